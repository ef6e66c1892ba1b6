/*
 * bundle.c: test bundles and result archives, written and read with
 * libarchive.  The only file that includes archive.h.
 *
 * Both kinds of archive are POSIX ustar with pax extended headers only
 * where ustar cannot say something (long names, large sizes): the
 * "pax restricted" format, which GNU tar, bsdtar and busybox all read.
 * Files are streamed through the archive in IOBUF chunks, so adding a
 * large data file or JTL never holds it in memory twice.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "bundle.h"
#include "util.h"
#include "xmalloc.h"

#define IOBUF		(64 * 1024)

/* Metadata written into bundles, whatever the local files say. */
#define BUNDLE_FILE_MODE	0600
#define BUNDLE_EXEC_MODE	0700
#define BUNDLE_DIR_MODE		0700
/* And into result archives for entries that have no local file. */
#define RESULT_FILE_MODE	0644
#define RESULT_DIR_MODE		0755
/* zstd level; xz preset and most encoder threads (result archives). */
#define ZSTD_LEVEL		"1"
#define XZ_LEVEL		"1"
#define XZ_THREADS		4

/* A name already written; a directory may be the parent of later names. */
struct wname {
	char	*name;
	int	 is_dir;
};

/* What a bundle and a result archive writer share. */
struct writer {
	struct archive	*a;
	struct wname	*names;
	size_t		 nnames;
	size_t		 cap;
	int		 fixed;		/* bundle: fixed metadata */
	int		 spoiled;	/* a mid-entry failure broke it */
	int		 done;		/* trailer written */
};

struct jmx_bundle {
	struct writer	 w;
	struct jmx_buf	 out;		/* the compressed tarball */
};

struct jmx_archive_writer {
	struct writer	 w;
	char		*path;		/* final name */
	char		*tmp;		/* written here, renamed on close */
	int		 fd;
	const char	*comp;		/* "xz" or "gzip" */
};

/*
 * Fill err from libarchive's last error, prefixed by a printf-formatted
 * context.  Formats into the caller's record: no allocation.
 */
static enum jmx_code
aerr(struct jmx_err *err, enum jmx_code code, struct archive *a,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum jmx_code
aerr(struct jmx_err *err, enum jmx_code code, struct archive *a,
    const char *fmt, ...)
{
	const char *s = a != NULL ? archive_error_string(a) : NULL;
	size_t len;
	va_list ap;
	int e;

	if (err == NULL)
		return code;
	va_start(ap, fmt);
	jmx_err_setv(err, code, fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof err->msg - len, ": %s",
	    s != NULL ? s : "libarchive failed");
	e = a != NULL ? archive_errno(a) : 0;
	err->sys_errno = e > 0 ? e : 0;
	return code;
}

const char *
jmx_bundle_libversion(void)
{
	return archive_version_string();
}

/* Is name a clean relative path?  See bundle.h. */
static enum jmx_code
check_name(const char *name, struct jmx_err *err)
{
	const char *p, *end;
	size_t n;

	if (name == NULL || *name == '\0')
		return jmx_err_set(err, JMX_ERR_USAGE,
		    "empty name for an archive member");
	if (*name == '/')
		return jmx_err_set(err, JMX_ERR_USAGE,
		    "'%s': archive member names must be relative", name);
	for (p = name;; p = end + 1) {
		if ((end = strchr(p, '/')) == NULL)
			end = p + strlen(p);
		n = (size_t)(end - p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return jmx_err_set(err, JMX_ERR_USAGE,
			    "'%s': '..' not allowed in an archive member name",
			    name);
		if (n == 0 || (n == 1 && p[0] == '.'))
			return jmx_err_set(err, JMX_ERR_USAGE,
			    "'%s': empty or '.' component in an archive "
			    "member name", name);
		if (*end == '\0')
			break;
	}
	return JMX_OK;
}

/* The written name equal to the first len bytes of name, or NULL. */
static struct wname *
find_name(struct writer *w, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < w->nnames; i++) {
		if (strncmp(w->names[i].name, name, len) == 0 &&
		    w->names[i].name[len] == '\0')
			return &w->names[i];
	}
	return NULL;
}

static void
add_name(struct writer *w, const char *name, size_t len, int is_dir)
{
	if (w->nnames == w->cap) {
		w->cap = w->cap == 0 ? 16 : w->cap * 2;
		w->names = xreallocarray(w->names, w->cap, sizeof *w->names);
	}
	w->names[w->nnames].name = xstrndup(name, len);
	w->names[w->nnames].is_dir = is_dir;
	w->nnames++;
}

static void
writer_free(struct writer *w)
{
	size_t i;

	if (w->a != NULL)
		archive_write_free(w->a);
	w->a = NULL;
	for (i = 0; i < w->nnames; i++)
		free(w->names[i].name);
	free(w->names);
	w->names = NULL;
	w->nnames = w->cap = 0;
}

/* Refuse to write to a finished or broken archive. */
static enum jmx_code
writer_usable(struct writer *w, struct jmx_err *err)
{
	if (w->done)
		return jmx_err_set(err, JMX_ERR_STATE,
		    "archive already finished");
	if (w->spoiled)
		return jmx_err_set(err, JMX_ERR_STATE,
		    "archive unusable after an earlier error");
	return JMX_OK;
}

/*
 * Check that name can be added: clean, not yet written, and no prefix of
 * it written as anything but a directory.  A directory may be added again
 * only implicitly (as a parent), which never reaches here.
 */
static enum jmx_code
check_new(struct writer *w, const char *name, struct jmx_err *err)
{
	struct wname *wn;
	const char *p;
	enum jmx_code rc;

	if ((rc = check_name(name, err)) != JMX_OK)
		return rc;
	if (find_name(w, name, strlen(name)) != NULL)
		return jmx_err_set(err, JMX_ERR_USAGE,
		    "'%s': already in the archive", name);
	for (p = strchr(name, '/'); p != NULL; p = strchr(p + 1, '/')) {
		wn = find_name(w, name, (size_t)(p - name));
		if (wn != NULL && !wn->is_dir)
			return jmx_err_set(err, JMX_ERR_USAGE,
			    "'%s': '%.*s' is a file in the archive", name,
			    (int)(p - name), name);
	}
	return JMX_OK;
}

static int64_t
entry_mtime(struct writer *w, int64_t own)
{
	if (w->fixed)
		return JMX_BUNDLE_MTIME;
	return own >= 0 ? own : (int64_t)time(NULL);
}

/*
 * Write one header.  type is AE_IFREG, AE_IFDIR or AE_IFLNK; size only
 * counts for regular files, target only for links.  A fatal libarchive
 * error spoils the writer; a per-entry one leaves it usable.
 */
static enum jmx_code
write_header(struct writer *w, const char *name, size_t namelen,
    unsigned int type, int mode, int64_t size, int64_t mtime,
    const char *target, struct jmx_err *err)
{
	struct archive_entry *e;
	char *copy;
	int r;

	copy = xstrndup(name, namelen);
	if ((e = archive_entry_new()) == NULL) {
		free(copy);
		return jmx_err_set(err, JMX_ERR_IO, "'%s': out of memory",
		    name);
	}
	archive_entry_set_pathname(e, copy);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, (mode_t)(mode & 07777));
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_mtime(e, (time_t)mtime, 0);
	if (type == AE_IFREG)
		archive_entry_set_size(e, size);
	else
		archive_entry_set_size(e, 0);
	if (target != NULL)
		archive_entry_set_symlink(e, target);
	r = archive_write_header(w->a, e);
	archive_entry_free(e);
	if (r < ARCHIVE_WARN) {
		if (r == ARCHIVE_FATAL)
			w->spoiled = 1;
		aerr(err, JMX_ERR_IO, w->a, "'%s'", copy);
		free(copy);
		return JMX_ERR_IO;
	}
	add_name(w, copy, namelen, type == AE_IFDIR);
	free(copy);
	return JMX_OK;
}

/* Write a directory entry for each parent of name not yet written. */
static enum jmx_code
add_parents(struct writer *w, const char *name, struct jmx_err *err)
{
	const char *p;
	size_t len;
	enum jmx_code rc;

	for (p = strchr(name, '/'); p != NULL; p = strchr(p + 1, '/')) {
		len = (size_t)(p - name);
		if (find_name(w, name, len) != NULL)
			continue;
		rc = write_header(w, name, len, AE_IFDIR,
		    w->fixed ? BUNDLE_DIR_MODE : RESULT_DIR_MODE, 0,
		    entry_mtime(w, -1), NULL, err);
		if (rc != JMX_OK)
			return rc;
	}
	return JMX_OK;
}

/* Feed entry data; any failure here leaves a corrupt stream. */
static enum jmx_code
write_bytes(struct writer *w, const char *name, const void *data,
    size_t len, struct jmx_err *err)
{
	const char *p = data;
	la_ssize_t n;

	while (len > 0) {
		n = archive_write_data(w->a, p, len);
		if (n <= 0) {
			w->spoiled = 1;
			return aerr(err, JMX_ERR_IO, w->a, "'%s'", name);
		}
		p += n;
		len -= (size_t)n;
	}
	return JMX_OK;
}

static enum jmx_code
finish_entry(struct writer *w, const char *name, struct jmx_err *err)
{
	if (archive_write_finish_entry(w->a) < ARCHIVE_WARN) {
		w->spoiled = 1;
		return aerr(err, JMX_ERR_IO, w->a, "'%s'", name);
	}
	return JMX_OK;
}

static enum jmx_code
writer_add_data(struct writer *w, const char *name, const void *data,
    size_t len, int mode, struct jmx_err *err)
{
	enum jmx_code rc;

	if ((rc = writer_usable(w, err)) != JMX_OK ||
	    (rc = check_new(w, name, err)) != JMX_OK ||
	    (rc = add_parents(w, name, err)) != JMX_OK)
		return rc;
	rc = write_header(w, name, strlen(name), AE_IFREG, mode,
	    (int64_t)len, entry_mtime(w, -1), NULL, err);
	if (rc != JMX_OK)
		return rc;
	if ((rc = write_bytes(w, name, data, len, err)) != JMX_OK)
		return rc;
	return finish_entry(w, name, err);
}

/*
 * Stream the regular file at path into the archive as name.  The size in
 * the header is the size when opened: a file that shrinks meanwhile is an
 * error, one that grows is cut at that size (a JTL still being written).
 */
static enum jmx_code
writer_add_file(struct writer *w, const char *name, const char *path,
    struct jmx_err *err)
{
	struct stat st;
	char *buf = NULL;
	int64_t left;
	ssize_t n;
	size_t want;
	int fd, mode;
	enum jmx_code rc;

	if ((rc = writer_usable(w, err)) != JMX_OK ||
	    (rc = check_new(w, name, err)) != JMX_OK)
		return rc;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return jmx_err_sys(err, JMX_ERR_IO, "'%s'", path);
	if (fstat(fd, &st) == -1) {
		rc = jmx_err_sys(err, JMX_ERR_IO, "'%s'", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = jmx_err_set(err, JMX_ERR_IO, "'%s': not a regular file",
		    path);
		goto out;
	}
	if (w->fixed)
		mode = (st.st_mode & S_IXUSR) ? BUNDLE_EXEC_MODE :
		    BUNDLE_FILE_MODE;
	else
		mode = (int)(st.st_mode & 0777);
	if ((rc = add_parents(w, name, err)) != JMX_OK)
		goto out;
	rc = write_header(w, name, strlen(name), AE_IFREG, mode,
	    (int64_t)st.st_size, entry_mtime(w, (int64_t)st.st_mtime), NULL,
	    err);
	if (rc != JMX_OK)
		goto out;

	buf = xmalloc(IOBUF);
	for (left = (int64_t)st.st_size; left > 0; left -= n) {
		want = left < IOBUF ? (size_t)left : IOBUF;
		if ((n = read(fd, buf, want)) == -1) {
			if (errno == EINTR) {
				n = 0;
				continue;
			}
			w->spoiled = 1;
			rc = jmx_err_sys(err, JMX_ERR_IO, "'%s'", path);
			goto out;
		}
		if (n == 0) {
			w->spoiled = 1;
			rc = jmx_err_set(err, JMX_ERR_IO,
			    "'%s': file shrank while being archived", path);
			goto out;
		}
		if ((rc = write_bytes(w, name, buf, (size_t)n, err)) != JMX_OK)
			goto out;
	}
	rc = finish_entry(w, name, err);
out:
	free(buf);
	close(fd);
	return rc;
}

/*
 * Bundles.
 */

static la_ssize_t
mem_write(struct archive *a, void *arg, const void *data, size_t len)
{
	struct jmx_bundle *b = arg;

	(void)a;
	jmx_buf_add(&b->out, data, len);
	return (la_ssize_t)len;
}

struct jmx_bundle *
jmx_bundle_new(void)
{
	struct jmx_bundle *b;

	b = xcalloc(1, sizeof *b);
	b->w.fixed = 1;
	return b;
}

/*
 * Open the libarchive writer on first use, so that jmx_bundle_new cannot
 * fail and a setup problem is reported through err.
 */
static enum jmx_code
bundle_start(struct jmx_bundle *b, struct jmx_err *err)
{
	struct archive *a;

	if (b->w.a != NULL)
		return JMX_OK;
	if ((a = archive_write_new()) == NULL)
		return jmx_err_set(err, JMX_ERR_IO, "bundle: out of memory");
	b->w.a = a;
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK)
		goto fail;
	if (archive_write_add_filter_gzip(a) < ARCHIVE_WARN)
		goto fail;
	/*
	 * Fixed level and no time stamp in the gzip header: the same
	 * inputs must give the same bytes.  Older libarchives without the
	 * option wrote no time stamp anyway.
	 */
	archive_write_set_filter_option(a, "gzip", "compression-level", "6");
	archive_write_set_filter_option(a, "gzip", "timestamp", NULL);
	/* No zero padding after the gzip stream (gzip -d warns on it). */
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open(a, b, NULL, mem_write, NULL) != ARCHIVE_OK)
		goto fail;
	return JMX_OK;
fail:
	b->w.spoiled = 1;
	return aerr(err, JMX_ERR_UNSUPPORTED, a, "bundle");
}

enum jmx_code
jmx_bundle_add_file(struct jmx_bundle *b, const char *name,
    const char *local_path, struct jmx_err *err)
{
	enum jmx_code rc;

	if ((rc = writer_usable(&b->w, err)) != JMX_OK ||
	    (rc = bundle_start(b, err)) != JMX_OK)
		return rc;
	return writer_add_file(&b->w, name, local_path, err);
}

enum jmx_code
jmx_bundle_add_data(struct jmx_bundle *b, const char *name, const void *data,
    size_t len, int mode, struct jmx_err *err)
{
	enum jmx_code rc;

	if ((rc = writer_usable(&b->w, err)) != JMX_OK ||
	    (rc = bundle_start(b, err)) != JMX_OK)
		return rc;
	return writer_add_data(&b->w, name, data, len,
	    mode != 0 ? mode & 0777 : BUNDLE_FILE_MODE, err);
}

enum jmx_code
jmx_bundle_finish(struct jmx_bundle *b, const void **data, size_t *len,
    struct jmx_err *err)
{
	enum jmx_code rc;

	if (!b->w.done) {
		if (b->w.spoiled)
			return writer_usable(&b->w, err);
		if ((rc = bundle_start(b, err)) != JMX_OK)
			return rc;
		if (archive_write_close(b->w.a) != ARCHIVE_OK) {
			b->w.spoiled = 1;
			return aerr(err, JMX_ERR_IO, b->w.a, "bundle");
		}
		b->w.done = 1;
	}
	*data = b->out.data;
	*len = b->out.len;
	return JMX_OK;
}

void
jmx_bundle_free(struct jmx_bundle *b)
{
	if (b == NULL)
		return;
	writer_free(&b->w);
	jmx_buf_free(&b->out);
	free(b);
}

/*
 * Result archives.
 */

/*
 * The result archive's filters, best first: zstd, else xz, else gzip.
 * The JTLs make nearly all of an archive, and compressing them was the
 * largest part of the controller's CPU per sample: on an http-get JTL
 * xz -1 took 10.5 ns a byte (~0.9 us a sample), zstd -1 1 ns for a file
 * 1.5 times xz's and a third of gzip -1's (BENCHMARKS.md, "Controller
 * CPU").  Older runs' archives keep their suffix: jmx_archive_find.
 */
static const struct archive_filter {
	const char	*name;
	const char	*suffix;
	int		(*add)(struct archive *);
} filters[] = {
	{ "zstd", ".tar.zst", archive_write_add_filter_zstd },
	{ "xz", ".tar.xz", archive_write_add_filter_xz },
	{ "gzip", ".tar.gz", archive_write_add_filter_gzip },
};
#define NFILTERS	(sizeof filters / sizeof filters[0])

/* Can the linked libarchive apply f itself (not through a program)? */
static int
have_filter(const struct archive_filter *f)
{
	struct archive *a;
	int r;

	if ((a = archive_write_new()) == NULL)
		return 0;
	r = f->add(a);
	archive_write_free(a);
	return r == ARCHIVE_OK;
}

/* The filter result archives are written with (gzip always works). */
static const struct archive_filter *
best_filter(void)
{
	size_t i;

	for (i = 0; i + 1 < NFILTERS; i++)
		if (have_filter(&filters[i]))
			return &filters[i];
	return &filters[NFILTERS - 1];
}

const char *
jmx_archive_default_compression(void)
{
	return best_filter()->name;
}

const char *
jmx_archive_suffix(void)
{
	return best_filter()->suffix;
}

char *
jmx_archive_find(const char *stem)
{
	char *path;
	size_t i;

	for (i = 0; i < NFILTERS; i++) {
		xasprintf(&path, "%s%s", stem, filters[i].suffix);
		if (access(path, F_OK) == 0)
			return path;
		free(path);
	}
	xasprintf(&path, "%s%s", stem, jmx_archive_suffix());
	return path;
}

const char *
jmx_archive_compression(const struct jmx_archive_writer *w)
{
	return w->comp;
}

static void
archive_writer_free(struct jmx_archive_writer *w, int remove)
{
	/* archive_write_free may still write the trailer: fd stays open. */
	writer_free(&w->w);
	if (w->fd != -1)
		close(w->fd);
	if (remove)
		unlink(w->tmp);
	free(w->path);
	free(w->tmp);
	free(w);
}

static enum jmx_code
archive_open(const char *out_path, struct jmx_archive_writer **wp,
    struct jmx_err *err)
{
	struct jmx_archive_writer *w;
	struct archive *a;
	char threads[16];
	long ncpu;
	const struct archive_filter *f = best_filter();
	enum jmx_code rc;

	*wp = NULL;
	w = xcalloc(1, sizeof *w);
	w->fd = -1;
	w->path = xstrdup(out_path);
	xasprintf(&w->tmp, "%s.tmp.%ld", out_path, (long)getpid());
	w->comp = f->name;
	if ((a = archive_write_new()) == NULL) {
		archive_writer_free(w, 0);
		return jmx_err_set(err, JMX_ERR_IO, "'%s': out of memory",
		    out_path);
	}
	w->w.a = a;
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK)
		goto fail;
	if (f->add(a) < ARCHIVE_WARN)
		goto fail;
	if (strcmp(f->name, "zstd") == 0)
		archive_write_set_filter_option(a, "zstd", "compression-level",
		    ZSTD_LEVEL);
	else if (strcmp(f->name, "xz") == 0) {
		/*
		 * JTLs run to gigabytes.  On a synthetic 50 MB JTL xz -6 ran
		 * at 1.4 MB/s (minutes per agent at the end of a run), xz -1
		 * at 25 MB/s for a 30% larger file, still smaller than gzip's.
		 * liblzma's threaded encoder splits the stream into blocks
		 * that every xz reads; a libarchive without the option
		 * simply compresses on one thread.
		 */
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		snprintf(threads, sizeof threads, "%ld",
		    ncpu < 1 ? 1 : ncpu > XZ_THREADS ? XZ_THREADS : ncpu);
		archive_write_set_filter_option(a, "xz", "compression-level",
		    XZ_LEVEL);
		archive_write_set_filter_option(a, "xz", "threads", threads);
	}
	archive_write_set_bytes_in_last_block(a, 1);
	w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd == -1) {
		rc = jmx_err_sys(err, JMX_ERR_IO, "'%s'", out_path);
		archive_writer_free(w, 0);
		return rc;
	}
	if (archive_write_open_fd(a, w->fd) != ARCHIVE_OK)
		goto fail;
	*wp = w;
	return JMX_OK;
fail:
	rc = aerr(err, JMX_ERR_IO, a, "'%s'", out_path);
	archive_writer_free(w, w->fd != -1);
	return rc;
}

struct jmx_archive_writer *
jmx_archive_open(const char *out_path, struct jmx_err *err)
{
	struct jmx_archive_writer *w;

	archive_open(out_path, &w, err);
	return w;
}

enum jmx_code
jmx_archive_add_file(struct jmx_archive_writer *w, const char *name,
    const char *local_path, struct jmx_err *err)
{
	return writer_add_file(&w->w, name, local_path, err);
}

enum jmx_code
jmx_archive_add_data(struct jmx_archive_writer *w, const char *name,
    const void *data, size_t len, struct jmx_err *err)
{
	return writer_add_data(&w->w, name, data, len, RESULT_FILE_MODE, err);
}

enum jmx_code
jmx_archive_close(struct jmx_archive_writer *w, struct jmx_err *err)
{
	enum jmx_code rc = JMX_OK;

	if (w->w.spoiled)
		rc = jmx_err_set(err, JMX_ERR_IO,
		    "'%s': archive incomplete after an earlier error", w->path);
	else if (archive_write_close(w->w.a) != ARCHIVE_OK)
		rc = aerr(err, JMX_ERR_IO, w->w.a, "'%s'", w->path);
	else {
		w->w.done = 1;
		if (close(w->fd) == -1)
			rc = jmx_err_sys(err, JMX_ERR_IO, "'%s'", w->tmp);
		w->fd = -1;
		if (rc == JMX_OK && rename(w->tmp, w->path) == -1)
			rc = jmx_err_sys(err, JMX_ERR_IO, "'%s'", w->path);
	}
	archive_writer_free(w, rc != JMX_OK);
	return rc;
}

void
jmx_archive_abort(struct jmx_archive_writer *w)
{
	if (w != NULL)
		archive_writer_free(w, 1);
}

/*
 * Archiving a directory tree.
 */

/* Files the walk must not pack: the archive being written, its old copy. */
struct skip {
	dev_t	dev[2];
	ino_t	ino[2];
	int	n;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add what is under path (its archive name prefix rel, "" at the top). */
static enum jmx_code
walk(struct writer *w, const char *path, const char *rel,
    const struct skip *skip, struct jmx_err *err)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	char **names = NULL, *full = NULL, *name = NULL, target[4096];
	size_t n = 0, cap = 0, i;
	ssize_t tl;
	int k, skipped;
	enum jmx_code rc = JMX_OK;

	if ((d = opendir(path)) == NULL)
		return jmx_err_sys(err, JMX_ERR_IO, "'%s'", path);
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap == 0 ? 32 : cap * 2;
			names = xreallocarray(names, cap, sizeof *names);
		}
		names[n++] = xstrdup(de->d_name);
	}
	if (errno != 0)
		rc = jmx_err_sys(err, JMX_ERR_IO, "'%s'", path);
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, cmp_str);

	for (i = 0; rc == JMX_OK && i < n; i++) {
		free(full);
		free(name);
		xasprintf(&full, "%s/%s", path, names[i]);
		if (*rel == '\0')
			name = xstrdup(names[i]);
		else
			xasprintf(&name, "%s/%s", rel, names[i]);
		if (lstat(full, &st) == -1) {
			rc = jmx_err_sys(err, JMX_ERR_IO, "'%s'", full);
			break;
		}
		for (skipped = 0, k = 0; k < skip->n; k++)
			if (st.st_dev == skip->dev[k] &&
			    st.st_ino == skip->ino[k])
				skipped = 1;
		if (skipped)
			continue;
		if (S_ISREG(st.st_mode))
			rc = writer_add_file(w, name, full, err);
		else if (S_ISDIR(st.st_mode)) {
			if ((rc = check_new(w, name, err)) == JMX_OK)
				rc = write_header(w, name, strlen(name),
				    AE_IFDIR, (int)(st.st_mode & 0777), 0,
				    (int64_t)st.st_mtime, NULL, err);
			if (rc == JMX_OK)
				rc = walk(w, full, name, skip, err);
		} else if (S_ISLNK(st.st_mode)) {
			tl = readlink(full, target, sizeof target - 1);
			if (tl == -1) {
				rc = jmx_err_sys(err, JMX_ERR_IO, "'%s'", full);
				break;
			}
			target[tl] = '\0';
			if ((rc = check_new(w, name, err)) == JMX_OK)
				rc = write_header(w, name, strlen(name),
				    AE_IFLNK, 0777, 0, (int64_t)st.st_mtime,
				    target, err);
		}
		/* Sockets, fifos and devices have no place in results. */
	}
	free(full);
	free(name);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

enum jmx_code
jmx_bundle_archive_dir(const char *dir, const char *out_path,
    struct jmx_err *err)
{
	struct jmx_archive_writer *w;
	struct skip skip;
	struct stat st;
	enum jmx_code rc;

	if (stat(dir, &st) == -1)
		return jmx_err_sys(err, JMX_ERR_IO, "'%s'", dir);
	if (!S_ISDIR(st.st_mode))
		return jmx_err_set(err, JMX_ERR_IO, "'%s': not a directory",
		    dir);
	memset(&skip, 0, sizeof skip);
	if (stat(out_path, &st) == 0) {
		skip.dev[skip.n] = st.st_dev;
		skip.ino[skip.n++] = st.st_ino;
	}
	if ((rc = archive_open(out_path, &w, err)) != JMX_OK)
		return rc;
	if (fstat(w->fd, &st) == 0) {
		skip.dev[skip.n] = st.st_dev;
		skip.ino[skip.n++] = st.st_ino;
	}
	if ((rc = walk(&w->w, dir, "", &skip, err)) != JMX_OK) {
		jmx_err_prefix(err, "archiving '%s'", dir);
		jmx_archive_abort(w);
		return rc;
	}
	return jmx_archive_close(w, err);
}

/*
 * Reading.
 */

/* Open the tarball at path for reading, in any compression. */
static enum jmx_code
read_open(const char *path, struct archive **ap, int *fdp,
    struct jmx_err *err)
{
	struct archive *a;
	int fd;

	*ap = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return jmx_err_sys(err, JMX_ERR_IO, "'%s'", path);
	if ((a = archive_read_new()) == NULL) {
		close(fd);
		return jmx_err_set(err, JMX_ERR_IO, "'%s': out of memory",
		    path);
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	if (archive_read_open_fd(a, fd, IOBUF) != ARCHIVE_OK) {
		aerr(err, JMX_ERR_DATA, a, "'%s'", path);
		archive_read_free(a);
		close(fd);
		return JMX_ERR_DATA;
	}
	*ap = a;
	*fdp = fd;
	return JMX_OK;
}

static void
read_close(struct archive *a, int fd)
{
	archive_read_free(a);
	close(fd);
}

/* A member's name without leading "./" and trailing '/'; len set. */
static const char *
clean_name(const char *s, size_t *len)
{
	while (s[0] == '.' && s[1] == '/')
		s += 2;
	*len = strlen(s);
	while (*len > 0 && s[*len - 1] == '/')
		(*len)--;
	return s;
}

static const char *
entry_name(struct archive_entry *e)
{
	const char *s;

	if ((s = archive_entry_pathname(e)) == NULL)
		s = archive_entry_pathname_utf8(e);
	return s != NULL ? s : "";
}

enum jmx_code
jmx_archive_extract_entry(const char *path, const char *name,
    struct jmx_buf *out, struct jmx_err *err)
{
	struct archive *a;
	struct archive_entry *e;
	const char *want, *got;
	char *buf;
	size_t wlen, glen;
	la_ssize_t n;
	int fd, r;
	enum jmx_code rc;

	if ((rc = read_open(path, &a, &fd, err)) != JMX_OK)
		return rc;
	want = clean_name(name, &wlen);
	rc = JMX_ERR_NOTFOUND;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN) {
		got = clean_name(entry_name(e), &glen);
		if (glen != wlen || strncmp(got, want, wlen) != 0)
			continue;
		if (archive_entry_filetype(e) != AE_IFREG) {
			rc = jmx_err_set(err, JMX_ERR_NOTFOUND,
			    "'%s': member '%s' is not a regular file", path,
			    name);
			break;
		}
		jmx_buf_reset(out);
		buf = xmalloc(IOBUF);
		while ((n = archive_read_data(a, buf, IOBUF)) > 0)
			jmx_buf_add(out, buf, (size_t)n);
		free(buf);
		if (n < 0)
			rc = aerr(err, JMX_ERR_DATA, a, "'%s': member '%s'",
			    path, name);
		else
			rc = JMX_OK;
		break;
	}
	if (r < ARCHIVE_WARN)
		rc = aerr(err, JMX_ERR_DATA, a, "'%s'", path);
	else if (r == ARCHIVE_EOF)
		rc = jmx_err_set(err, JMX_ERR_NOTFOUND,
		    "'%s': no member '%s'", path, name);
	read_close(a, fd);
	return rc;
}

enum jmx_code
jmx_archive_list(const char *path,
    int (*fn)(const struct jmx_archive_member *, void *), void *arg,
    struct jmx_err *err)
{
	struct jmx_archive_member m;
	struct archive *a;
	struct archive_entry *e;
	int fd, r;
	enum jmx_code rc;

	if ((rc = read_open(path, &a, &fd, err)) != JMX_OK)
		return rc;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN) {
		m.name = entry_name(e);
		m.size = archive_entry_size(e);
		m.mode = (int)(archive_entry_perm(e) & 07777);
		m.is_dir = archive_entry_filetype(e) == AE_IFDIR;
		m.mtime = (int64_t)archive_entry_mtime(e);
		if (fn(&m, arg) != 0)
			break;
	}
	if (r < ARCHIVE_WARN)
		rc = aerr(err, JMX_ERR_DATA, a, "'%s'", path);
	read_close(a, fd);
	return rc;
}
