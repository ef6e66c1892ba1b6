/*
 * test-bundle.c: bundles read back by GNU tar (as the agents unpack them)
 * and by libarchive, determinism, name rules, a large file, and result
 * archives with jmx_archive_extract_entry.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "err.h"
#include "util.h"
#include "xmalloc.h"

#include "tap.h"

static const char plan[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<jmeterTestPlan version=\"1.2\"><hashTree/></jmeterTestPlan>\n";
static const char users[] = "user,password\nalice,a1\nbob,b2\ncarol,c3\n";
static const char script[] = "#!/bin/sh\nexec jmeter -n \"$@\"\n";

/* A name long enough to need a pax header (ustar keeps 100 + 155). */
static char longname[300];

static char *
tpath(const char *name)
{
	char *p;

	xasprintf(&p, "%s/%s", tap_tmpdir(), name);
	return p;
}

static void
put(const char *name, const void *data, size_t len)
{
	struct jmx_err err;
	char *p = tpath(name);

	if (jmx_write_file(p, data, len, &err) != JMX_OK) {
		printf("# %s\n", err.msg);
		exit(99);
	}
	free(p);
}

/* Does file path hold exactly len bytes of data? */
static int
same_file(const char *path, const void *data, size_t len)
{
	struct jmx_err err;
	char *got;
	size_t glen;
	int same;

	if (jmx_read_file(path, &got, &glen, &err) != JMX_OK) {
		printf("# %s\n", err.msg);
		return 0;
	}
	same = glen == len && memcmp(got, data, len) == 0;
	free(got);
	return same;
}

/* Feed data to a shell command's stdin; its exit status, -1 if odd. */
static int
pipe_to(const char *cmd, const void *data, size_t len)
{
	FILE *f;
	int st;

	if ((f = popen(cmd, "w")) == NULL)
		return -1;
	fwrite(data, 1, len, f);
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Read a whole file as a string ("" if missing); caller frees. */
static char *
slurp(const char *path)
{
	char *s;
	size_t len;

	if (jmx_read_file(path, &s, &len, NULL) != JMX_OK)
		return xstrdup("");
	return s;
}

/* Build the reference bundle; NULL and a diagnostic on failure. */
static struct jmx_bundle *
build(const void **data, size_t *len)
{
	struct jmx_bundle *b = jmx_bundle_new();
	struct jmx_err err;
	char *pp = tpath("src/plan.jmx"), *up = tpath("src/users.csv");

	if (jmx_bundle_add_file(b, "plan.jmx", pp, &err) != JMX_OK ||
	    jmx_bundle_add_file(b, "data/users.csv", up, &err) != JMX_OK ||
	    jmx_bundle_add_data(b, "bin/run.sh", script, strlen(script),
	    0755, &err) != JMX_OK ||
	    jmx_bundle_add_data(b, longname, "x\n", 2, 0, &err) != JMX_OK ||
	    jmx_bundle_finish(b, data, len, &err) != JMX_OK) {
		printf("# build: %s\n", err.msg);
		jmx_bundle_free(b);
		b = NULL;
	}
	free(pp);
	free(up);
	return b;
}

static void
test_bundle(void)
{
	struct jmx_bundle *b, *b2;
	struct jmx_err err;
	struct jmx_buf buf = { 0 };
	const unsigned char *u;
	const void *data, *data2;
	size_t len, len2;
	char *cmd, *out, *errs, *path, *want;
	struct stat st;
	int rc;

	b = build(&data, &len);
	if (!ok(b != NULL, "bundle builds"))
		return;
	u = data;
	ok(len > 18 && u[0] == 0x1f && u[1] == 0x8b, "bundle is gzip");
	ok(u[4] == 0 && u[5] == 0 && u[6] == 0 && u[7] == 0,
	    "gzip header carries no time stamp");

	/* GNU tar lists it, in order, with the fixed metadata, silently. */
	xasprintf(&cmd, "tar -tzf - >'%s/list' 2>'%s/list.err'",
	    tap_tmpdir(), tap_tmpdir());
	is_int(pipe_to(cmd, data, len), 0, "tar -tzf - exits 0");
	free(cmd);
	path = tpath("list");
	out = slurp(path);
	free(path);
	xasprintf(&want, "plan.jmx\ndata/\ndata/users.csv\nbin/\nbin/run.sh\n"
	    "long/\n%s\n", longname);
	is_str(out, want, "tar -tzf - lists the members in order");
	free(want);
	free(out);
	path = tpath("list.err");
	errs = slurp(path);
	free(path);
	is_str(errs, "", "tar -tzf - says nothing on stderr");
	free(errs);

	xasprintf(&cmd, "TZ=UTC tar -tzvf - >'%s/listv' 2>&1", tap_tmpdir());
	is_int(pipe_to(cmd, data, len), 0, "tar -tzvf - exits 0");
	free(cmd);
	path = tpath("listv");
	out = slurp(path);
	free(path);
	ok(strstr(out, "-rw------- 0/0") != NULL &&
	    strstr(out, " 2020-01-01 00:00 plan.jmx\n") != NULL,
	    "plan.jmx is 0600, uid/gid 0, fixed mtime");
	ok(strstr(out, "drwx------ 0/0") != NULL &&
	    strstr(out, " data/users.csv\n") != NULL,
	    "parent directories are 0700 entries");
	ok(strstr(out, "-rwxr-xr-x 0/0") != NULL &&
	    strstr(out, " bin/run.sh\n") != NULL, "add_data keeps its mode");
	if (tap_failed > 0)
		printf("# tar -tzvf:\n%s", out);
	free(out);

	/* GNU tar extracts it as an agent would. */
	path = tpath("x-gnu");
	mkdir(path, 0700);
	xasprintf(&cmd, "cd '%s' && tar -xzf - 2>'%s/x.err'", path,
	    tap_tmpdir());
	rc = pipe_to(cmd, data, len);
	free(cmd);
	is_int(rc, 0, "tar -xzf - exits 0");
	free(path);
	path = tpath("x.err");
	errs = slurp(path);
	free(path);
	is_str(errs, "", "tar -xzf - says nothing on stderr");
	free(errs);
	path = tpath("x-gnu/plan.jmx");
	ok(same_file(path, plan, strlen(plan)), "GNU tar: plan.jmx intact");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600 &&
	    st.st_mtime == JMX_BUNDLE_MTIME,
	    "GNU tar: plan.jmx is 0600 with the fixed mtime");
	free(path);
	path = tpath("x-gnu/data/users.csv");
	ok(same_file(path, users, strlen(users)),
	    "GNU tar: data/users.csv intact");
	free(path);
	path = tpath("x-gnu/bin/run.sh");
	ok(same_file(path, script, strlen(script)),
	    "GNU tar: bin/run.sh intact");
	free(path);
	xasprintf(&path, "%s/x-gnu/%s", tap_tmpdir(), longname);
	ok(same_file(path, "x\n", 2), "GNU tar: long name intact");
	free(path);

	/* libarchive reads it back too. */
	put("bundle.tar.gz", data, len);
	path = tpath("bundle.tar.gz");
	rc = jmx_archive_extract_entry(path, "data/users.csv", &buf, &err);
	ok(rc == JMX_OK && buf.len == strlen(users) &&
	    memcmp(buf.data, users, buf.len) == 0,
	    "libarchive: data/users.csv intact");
	rc = jmx_archive_extract_entry(path, "./plan.jmx", &buf, &err);
	ok(rc == JMX_OK && buf.len == strlen(plan) &&
	    memcmp(buf.data, plan, buf.len) == 0,
	    "libarchive: ./plan.jmx finds plan.jmx");
	rc = jmx_archive_extract_entry(path, longname, &buf, &err);
	ok(rc == JMX_OK && buf.len == 2, "libarchive: long name intact");
	free(path);
	jmx_buf_free(&buf);

	/* Determinism: a second build gives the same bytes. */
	b2 = build(&data2, &len2);
	ok(b2 != NULL && len2 == len && memcmp(data, data2, len) == 0,
	    "two builds give identical bytes (%zu)", len);
	jmx_bundle_free(b2);

	/* Finishing again returns the same bytes; adding is refused. */
	ok(jmx_bundle_finish(b, &data2, &len2, &err) == JMX_OK &&
	    data2 == data && len2 == len, "finish twice is harmless");
	is_int(jmx_bundle_add_data(b, "late", "x", 1, 0, &err),
	    JMX_ERR_STATE, "adding after finish is JMX_ERR_STATE");
	jmx_bundle_free(b);
}

static void
test_names(void)
{
	static const char *bad[] = {
		"../x", "/etc/x", "a/../b", "a/..", "..", "a//b", "./a",
		"a/./b", "a/", "", NULL
	};
	struct jmx_bundle *b = jmx_bundle_new();
	struct jmx_err err;
	const void *data;
	char what[64];
	size_t len, i;
	enum jmx_code rc;

	rc = jmx_bundle_add_data(b, "../x", "x", 1, 0, &err);
	is_int(rc, JMX_ERR_USAGE, "'../x' is JMX_ERR_USAGE");
	ok(strstr(err.msg, "'../x'") != NULL && strstr(err.msg, "..") != NULL,
	    "message names it: %s", err.msg);
	rc = jmx_bundle_add_data(b, "/etc/x", "x", 1, 0, &err);
	is_int(rc, JMX_ERR_USAGE, "'/etc/x' is JMX_ERR_USAGE");
	ok(strstr(err.msg, "'/etc/x'") != NULL &&
	    strstr(err.msg, "relative") != NULL, "message: %s", err.msg);
	for (i = 0; bad[i] != NULL; i++) {
		rc = jmx_bundle_add_file(b, bad[i], "/dev/null", &err);
		snprintf(what, sizeof what, "name '%s' is JMX_ERR_USAGE",
		    bad[i]);
		is_int(rc, JMX_ERR_USAGE, what);
	}
	is_int(jmx_bundle_add_data(b, "a/b", "x", 1, 0, &err), JMX_OK,
	    "a/b is fine");
	is_int(jmx_bundle_add_data(b, "a/b", "y", 1, 0, &err), JMX_ERR_USAGE,
	    "a second a/b is refused");
	is_int(jmx_bundle_add_data(b, "a", "y", 1, 0, &err), JMX_ERR_USAGE,
	    "a file over directory a is refused");
	is_int(jmx_bundle_add_data(b, "a/b/c", "y", 1, 0, &err),
	    JMX_ERR_USAGE, "a/b/c under file a/b is refused");
	is_int(jmx_bundle_finish(b, &data, &len, &err), JMX_OK,
	    "the bundle is still usable after refusals");
	jmx_bundle_free(b);
}

static void
test_files(void)
{
	struct jmx_bundle *b = jmx_bundle_new();
	struct jmx_err err;
	struct jmx_buf buf = { 0 };
	const void *data;
	unsigned char *big;
	uint32_t x = 2463534242u;
	size_t len, i, n = 5 * 1024 * 1024 + 123;
	char *path, *cmd, *missing;
	enum jmx_code rc;

	/* Incompressible, so the bundle really is over 5 MB. */
	big = xmalloc(n);
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		big[i] = (unsigned char)x;
	}
	put("src/big.bin", big, n);
	put("src/exec.sh", script, strlen(script));
	path = tpath("src/exec.sh");
	chmod(path, 0750);

	missing = tpath("src/nope/users.csv");
	memset(&err, 0, sizeof err);
	rc = jmx_bundle_add_file(b, "data/users.csv", missing, &err);
	is_int(rc, JMX_ERR_IO, "a missing local file is JMX_ERR_IO");
	ok(strstr(err.msg, missing) != NULL && err.sys_errno == ENOENT,
	    "the message names the path: %s", err.msg);
	is_int(jmx_bundle_add_file(b, "bin/exec.sh", path, &err), JMX_OK,
	    "add an executable file");
	free(path);
	path = tpath("src");
	is_int(jmx_bundle_add_file(b, "dir", path, &err), JMX_ERR_IO,
	    "a directory as local file is refused");
	free(path);
	path = tpath("src/big.bin");
	rc = jmx_bundle_add_file(b, "data/big.bin", path, &err);
	is_int(rc, JMX_OK, "add a 5 MB file");
	free(path);
	rc = jmx_bundle_finish(b, &data, &len, &err);
	ok(rc == JMX_OK && len > n, "bundle of %zu bytes", len);

	path = tpath("x-big");
	mkdir(path, 0700);
	xasprintf(&cmd, "cd '%s' && tar -xzf -", path);
	is_int(pipe_to(cmd, data, len), 0, "GNU tar extracts the big bundle");
	free(cmd);
	free(path);
	path = tpath("x-big/data/big.bin");
	ok(same_file(path, big, n), "GNU tar: 5 MB file intact");
	free(path);
	path = tpath("x-big/bin/exec.sh");
	{
		struct stat st;

		ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0700,
		    "an executable file becomes 0700");
	}
	free(path);

	put("big.tar.gz", data, len);
	path = tpath("big.tar.gz");
	rc = jmx_archive_extract_entry(path, "data/big.bin", &buf, &err);
	ok(rc == JMX_OK && buf.len == n && memcmp(buf.data, big, n) == 0,
	    "libarchive: 5 MB file intact");
	rc = jmx_archive_extract_entry(path, "data/users.csv", &buf, &err);
	is_int(rc, JMX_ERR_NOTFOUND, "the missing file was left out");
	free(path);

	jmx_buf_free(&buf);
	free(missing);
	free(big);
	jmx_bundle_free(b);
}

struct seen {
	int	n;
	int	dirs;
	int	has_self;
	int	jtl_mode;
};

static int
count(const struct jmx_archive_member *m, void *arg)
{
	struct seen *s = arg;

	s->n++;
	s->dirs += m->is_dir;
	if (strstr(m->name, "agents") != NULL)
		s->has_self = 1;
	if (strcmp(m->name, "eu1/results.jtl") == 0)
		s->jtl_mode = m->mode;
	return 0;
}

static void
test_archive(void)
{
	static const char jtl[] =
	    "timeStamp,elapsed,label,responseCode,success\n"
	    "1700000000000,12,home,200,true\n"
	    "1700000000100,34,login,200,true\n";
	static const char log[] = "2026-01-01 INFO o.a.j.JMeter: done\n";
	struct jmx_archive_writer *w;
	struct jmx_err err;
	struct jmx_buf buf = { 0 };
	struct seen seen;
	unsigned char magic[6] = { 0 };
	const char *comp, *suffix;
	char *path, *jtlpath, *tmp, *cmd, *dir, *out;
	FILE *f;
	enum jmx_code rc;

	comp = jmx_archive_default_compression();
	suffix = jmx_archive_suffix();
	printf("# %s; result archives use %s\n", jmx_bundle_libversion(),
	    comp);
	ok(strncmp(jmx_bundle_libversion(), "libarchive ", 11) == 0,
	    "libversion names libarchive");
	ok((strcmp(comp, "zstd") == 0 && strcmp(suffix, ".tar.zst") == 0) ||
	    (strcmp(comp, "xz") == 0 && strcmp(suffix, ".tar.xz") == 0) ||
	    (strcmp(comp, "gzip") == 0 && strcmp(suffix, ".tar.gz") == 0),
	    "compression and suffix agree");

	put("results.jtl", jtl, strlen(jtl));
	jtlpath = tpath("results.jtl");
	chmod(jtlpath, 0640);
	xasprintf(&path, "%s/agents%s", tap_tmpdir(), suffix);
	xasprintf(&tmp, "%s.tmp.%ld", path, (long)getpid());

	w = jmx_archive_open(path, &err);
	if (!ok(w != NULL, "archive writer opens"))
		printf("# %s\n", err.msg);
	if (w == NULL)
		goto out;
	is_str(jmx_archive_compression(w), comp,
	    "writer reports its compression");
	ok(access(path, F_OK) == -1 && access(tmp, F_OK) == 0,
	    "written under a temporary name");
	rc = jmx_archive_add_file(w, "eu1/results.jtl", jtlpath, &err);
	is_int(rc, JMX_OK, "add eu1/results.jtl");
	rc = jmx_archive_add_data(w, "eu1/jmeter.log", log, strlen(log), &err);
	is_int(rc, JMX_OK, "add eu1/jmeter.log");
	rc = jmx_archive_add_file(w, "eu2/results.jtl", "/nonexistent.jtl",
	    &err);
	ok(rc == JMX_ERR_IO && strstr(err.msg, "/nonexistent.jtl") != NULL,
	    "missing JTL names its path: %s", err.msg);
	is_int(jmx_archive_add_file(w, "../eu2", jtlpath, &err),
	    JMX_ERR_USAGE, "'../eu2' refused by the writer");
	rc = jmx_archive_add_file(w, "eu2/results.jtl", jtlpath, &err);
	is_int(rc, JMX_OK, "writer still usable after those errors");
	rc = jmx_archive_close(w, &err);
	if (!ok(rc == JMX_OK, "archive closes"))
		printf("# %s\n", err.msg);
	ok(access(path, F_OK) == 0 && access(tmp, F_OK) == -1,
	    "renamed to its final name");

	if ((f = fopen(path, "rb")) != NULL) {
		if (fread(magic, 1, sizeof magic, f) != sizeof magic)
			magic[0] = 0;
		fclose(f);
	}
	if (strcmp(comp, "zstd") == 0)
		ok(memcmp(magic, "\x28\xb5\x2f\xfd", 4) == 0, "file is zstd");
	else if (strcmp(comp, "xz") == 0)
		ok(memcmp(magic, "\xfd" "7zXZ\0", 6) == 0, "file is xz");
	else
		ok(magic[0] == 0x1f && magic[1] == 0x8b, "file is gzip");

	rc = jmx_archive_extract_entry(path, "eu1/results.jtl", &buf, &err);
	ok(rc == JMX_OK && buf.len == strlen(jtl) &&
	    strcmp(buf.data, jtl) == 0, "extract_entry: eu1/results.jtl");
	rc = jmx_archive_extract_entry(path, "eu1/jmeter.log", &buf, &err);
	ok(rc == JMX_OK && strcmp(buf.data, log) == 0,
	    "extract_entry: eu1/jmeter.log");
	rc = jmx_archive_extract_entry(path, "eu3/results.jtl", &buf, &err);
	ok(rc == JMX_ERR_NOTFOUND && strstr(err.msg, "eu3/results.jtl"),
	    "absent member is JMX_ERR_NOTFOUND: %s", err.msg);
	rc = jmx_archive_extract_entry(path, "eu1", &buf, &err);
	is_int(rc, JMX_ERR_NOTFOUND, "a directory member is not extracted");
	rc = jmx_archive_extract_entry("/nonexistent.tar.xz", "x", &buf,
	    &err);
	ok(rc == JMX_ERR_IO && strstr(err.msg, "/nonexistent.tar.xz"),
	    "missing archive names its path: %s", err.msg);
	memset(&seen, 0, sizeof seen);
	rc = jmx_archive_list(path, count, &seen, &err);
	ok(rc == JMX_OK && seen.n == 5 && seen.dirs == 2 &&
	    seen.jtl_mode == 0640, "list: 5 members, 2 directories, "
	    "file mode kept");

	/* GNU tar reads it too (detecting the compression itself). */
	xasprintf(&cmd, "tar -tf '%s' >/dev/null 2>&1", path);
	is_int(system(cmd), 0, "GNU tar reads the result archive");
	free(cmd);

	/* A whole tree, with the archive written inside it. */
	dir = tpath("run");
	xasprintf(&cmd, "mkdir -p '%s/eu1/sub' '%s/eu2' && "
	    "printf 'a\\n' >'%s/eu1/results.jtl' && "
	    "printf 'b\\n' >'%s/eu1/sub/x' && "
	    "printf 'c\\n' >'%s/eu2/results.jtl' && "
	    "ln -s ../eu1/results.jtl '%s/eu2/link'", dir, dir, dir, dir, dir,
	    dir);
	is_int(system(cmd), 0, "make a run tree");
	free(cmd);
	xasprintf(&out, "%s/agents%s", dir, suffix);
	rc = jmx_bundle_archive_dir(dir, out, &err);
	if (!ok(rc == JMX_OK, "archive_dir"))
		printf("# %s\n", err.msg);
	rc = jmx_archive_extract_entry(out, "eu1/sub/x", &buf, &err);
	ok(rc == JMX_OK && strcmp(buf.data, "b\n") == 0,
	    "archive_dir: eu1/sub/x intact");
	memset(&seen, 0, sizeof seen);
	rc = jmx_archive_list(out, count, &seen, &err);
	ok(rc == JMX_OK && seen.n == 7 && seen.dirs == 3 && !seen.has_self,
	    "archive_dir: 7 members, not itself (%d)", seen.n);
	/* Again, with the previous archive now sitting in the tree. */
	rc = jmx_bundle_archive_dir(dir, out, &err);
	memset(&seen, 0, sizeof seen);
	if (rc == JMX_OK)
		rc = jmx_archive_list(out, count, &seen, &err);
	ok(rc == JMX_OK && seen.n == 7 && !seen.has_self,
	    "archive_dir again leaves out the old archive");
	xasprintf(&cmd, "tar -tvf '%s' | grep -q 'eu2/link -> "
	    "../eu1/results.jtl'", out);
	is_int(system(cmd), 0, "symbolic links are kept");
	free(cmd);
	rc = jmx_bundle_archive_dir("/nonexistent", out, &err);
	ok(rc == JMX_ERR_IO && strstr(err.msg, "/nonexistent"),
	    "missing directory names it: %s", err.msg);
	free(out);
	free(dir);

	/* Abort leaves nothing behind. */
	xasprintf(&out, "%s/aborted%s", tap_tmpdir(), suffix);
	w = jmx_archive_open(out, &err);
	ok(w != NULL && jmx_archive_add_data(w, "x", "x", 1, &err) == JMX_OK,
	    "open and add, then abort");
	jmx_archive_abort(w);
	xasprintf(&cmd, "%s.tmp.%ld", out, (long)getpid());
	ok(access(out, F_OK) == -1 && access(cmd, F_OK) == -1,
	    "abort leaves no file");
	free(cmd);
	free(out);
	/* An older run's archive is found whatever its compression. */
	xasprintf(&dir, "%s/old/agents", tap_tmpdir());
	out = jmx_archive_find(dir);
	xasprintf(&cmd, "%s%s", dir, suffix);
	is_str(out, cmd, "find: none there gives today's suffix");
	free(out);
	free(cmd);
	xasprintf(&cmd, "mkdir -p '%s/old' && : >'%s.tar.gz'", tap_tmpdir(),
	    dir);
	is_int(system(cmd), 0, "an old gzip archive");
	free(cmd);
	out = jmx_archive_find(dir);
	xasprintf(&cmd, "%s.tar.gz", dir);
	is_str(out, cmd, "find: the existing .tar.gz");
	free(out);
	free(cmd);
	free(dir);
	w = jmx_archive_open("/nonexistent/dir/a.tar.xz", &err);
	ok(w == NULL && err.code == JMX_ERR_IO &&
	    strstr(err.msg, "/nonexistent/dir/a.tar.xz") != NULL,
	    "open in a missing directory fails: %s", err.msg);
out:
	jmx_buf_free(&buf);
	free(jtlpath);
	free(path);
	free(tmp);
}

int
main(void)
{
	char *src;
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	memcpy(longname, "long/", 5);
	for (i = 5; i < 5 + 140; i++)
		longname[i] = (char)('a' + i % 26);
	memcpy(longname + i, ".csv", 5);

	src = tpath("src");
	mkdir(src, 0700);
	free(src);
	put("src/plan.jmx", plan, strlen(plan));
	put("src/users.csv", users, strlen(users));

	test_bundle();
	test_names();
	test_files();
	test_archive();
	return done_testing();
}
