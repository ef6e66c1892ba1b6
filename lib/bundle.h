/*
 * bundle.h: tarballs, the one place jmx talks to libarchive.
 *
 * Two writers share one core:
 *  - a bundle is the per-agent test bundle (plan, data files, scripts)
 *    built in memory as a gzip-compressed POSIX ustar/pax tarball that the
 *    agent unpacks with GNU "tar -xzf -".  Its metadata is fixed (mtime
 *    JMX_BUNDLE_MTIME, uid/gid 0, files 0600 or 0700, directories 0700) so
 *    the same inputs added in the same order give the same bytes;
 *  - an archive writer packs collected results (each agent's JTL and
 *    jmeter.log) into runs/<id>/agents.tar.zst on the controller, keeping
 *    the files' own modes and times.  It prefers xz and falls back to gzip
 *    when the linked libarchive cannot write xz itself.
 *
 * Names inside an archive are clean relative paths ("plan.jmx",
 * "data/users.csv"): no leading '/', no empty, "." or ".." components,
 * no trailing '/'.  Anything else is JMX_ERR_USAGE.  Parent directories are
 * added as directory entries the first time a name needs them.  A name may
 * appear once.  Names are in the locale's charset (programs call
 * setlocale): under a UTF-8 locale non-ASCII names go out as UTF-8 pax
 * paths; under the C locale they are kept byte for byte but flagged
 * hdrcharset=BINARY, which GNU tar extracts with a warning.
 *
 * Only bundle.c includes archive.h.
 */
#ifndef JMX_BUNDLE_H
#define JMX_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct jmx_buf;
struct jmx_bundle;
struct jmx_archive_writer;

/* Modification time of every bundle entry: 2020-01-01T00:00:00Z. */
#define JMX_BUNDLE_MTIME	1577836800

/* The linked libarchive's version string, "libarchive 3.6.2 zlib/...". */
const char	*jmx_bundle_libversion(void);

/* A new, empty in-memory bundle; free it with jmx_bundle_free. */
struct jmx_bundle *jmx_bundle_new(void);
/*
 * Add the regular file local_path as name.  The entry is 0700 if the file
 * is executable by its owner, else 0600.  A missing or unreadable file is
 * JMX_ERR_IO with a message naming local_path; the bundle stays usable.
 */
enum jmx_code	 jmx_bundle_add_file(struct jmx_bundle *, const char *name,
		    const char *local_path, struct jmx_err *);
/* Add len bytes of data as name with mode (permission bits; 0 = 0600). */
enum jmx_code	 jmx_bundle_add_data(struct jmx_bundle *, const char *name,
		    const void *data, size_t len, int mode, struct jmx_err *);
/*
 * End the archive and return the compressed bytes.  *data is borrowed
 * from the bundle and valid until jmx_bundle_free.  Adding after finish
 * is JMX_ERR_STATE; finishing again returns the same bytes.
 */
enum jmx_code	 jmx_bundle_finish(struct jmx_bundle *, const void **data,
		    size_t *len, struct jmx_err *);
/* Free the bundle and its bytes; NULL is a no-op. */
void		 jmx_bundle_free(struct jmx_bundle *);

/*
 * The compression jmx_archive_open uses with this libarchive, "zstd",
 * "xz" or "gzip", and the matching file name suffix, ".tar.zst",
 * ".tar.xz" or ".tar.gz", so callers can name the output truthfully
 * before opening it.
 */
const char	*jmx_archive_default_compression(void);
const char	*jmx_archive_suffix(void);
/*
 * The archive stem + one of those suffixes that exists (an older run's
 * may have another compression), else stem + jmx_archive_suffix();
 * the caller frees it.
 */
char		*jmx_archive_find(const char *stem);

/*
 * Start writing a compressed tarball to out_path; NULL with err filled on
 * failure.  Bytes go to a temporary file beside out_path, renamed over it
 * by a successful jmx_archive_close, so a crash never leaves a truncated
 * archive under the final name.
 */
struct jmx_archive_writer *jmx_archive_open(const char *out_path,
		    struct jmx_err *);
/* The compression this writer uses: "xz" or "gzip". */
const char	*jmx_archive_compression(const struct jmx_archive_writer *);
/*
 * Add the regular file local_path as name, keeping its permission bits and
 * mtime.  A missing local file is JMX_ERR_IO naming the path and leaves the
 * writer usable; a read error half-way through an entry spoils the archive
 * and jmx_archive_close then fails.
 */
enum jmx_code	 jmx_archive_add_file(struct jmx_archive_writer *,
		    const char *name, const char *local_path, struct jmx_err *);
/* Add len bytes of data as name, mode 0644, mtime now. */
enum jmx_code	 jmx_archive_add_data(struct jmx_archive_writer *,
		    const char *name, const void *data, size_t len,
		    struct jmx_err *);
/*
 * Finish the archive and move it to out_path.  Always frees the writer; on
 * failure (including an earlier spoiling error) nothing is left at
 * out_path's temporary name and out_path is untouched.
 */
enum jmx_code	 jmx_archive_close(struct jmx_archive_writer *,
		    struct jmx_err *);
/* Give up: free the writer and remove the partial output; NULL is a no-op. */
void		 jmx_archive_abort(struct jmx_archive_writer *);

/*
 * Pack the tree under dir (regular files, directories, symbolic links; in
 * name order) into out_path as jmx_archive_open would, names relative to
 * dir.  out_path may lie inside dir: the archive never contains itself.
 */
enum jmx_code	 jmx_bundle_archive_dir(const char *dir, const char *out_path,
		    struct jmx_err *);

/*
 * Read the member name (a leading "./" is ignored on both sides) of the
 * tarball at path, in any compression libarchive reads, into out, whose
 * previous contents are replaced.  No such member, or one that is not a
 * regular file, is JMX_ERR_NOTFOUND.  The member is held in memory whole.
 */
enum jmx_code	 jmx_archive_extract_entry(const char *path, const char *name,
		    struct jmx_buf *out, struct jmx_err *);

/* What jmx_archive_list tells about each member. */
struct jmx_archive_member {
	const char	*name;		/* borrowed during the callback */
	int64_t		 size;
	int		 mode;		/* permission bits */
	int		 is_dir;
	int64_t		 mtime;		/* seconds since the epoch */
};

/*
 * Call fn for each member of the tarball at path, in archive order.  A
 * non-zero return from fn stops the walk (still JMX_OK).
 */
enum jmx_code	 jmx_archive_list(const char *path,
		    int (*fn)(const struct jmx_archive_member *, void *),
		    void *arg, struct jmx_err *);

#endif
