/*
 * test-ssh.c: the SSH module against a real sshd.
 *
 * The target comes from the environment; without it the test is skipped:
 *   JMX_TEST_SSH_HOST, JMX_TEST_SSH_PORT (default 22), JMX_TEST_SSH_USER,
 *   JMX_TEST_SSH_KEY (private key), JMX_TEST_SSH_KNOWN_HOSTS.
 Optional: JMX_TEST_SSH_CLOSED_PORT, a port that refuses on the host
 * (default 1).
 *
 * The connect timeout is tested against a local black hole: a listening
 * socket on 127.0.0.1 whose accept queue is full, so the kernel drops
 * further SYNs and connect() hangs as it would towards a partitioned host.
 *
 * The dead-link case stops (SIGSTOP) the sshd process that serves one of
 * the test's own connections, as seen by $PPID of its commands: the TCP
 * connection stays up but nothing answers, as on a partitioned link.  It
 * is continued again at the end.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "agent.h"
#include "config.h"
#include "err.h"
#include "plan.h"
#include "ssh.h"
#include "util.h"
#include "xmalloc.h"

#include "tap.h"

static const char *host, *user, *key, *known_hosts;
static int port = 22;

/* Another, unrelated ed25519 host key, for the mismatch case. */
static const char other_key[] = "ssh-ed25519 "
    "AAAAC3NzaC1lZDI1NTE5AAAAIMA/yF7M2UEpQBaJkYsWwP/WIBs/5CPrvkwPSkrur+tc";

static void
opts_init(struct jmx_ssh_opts *o)
{
	memset(o, 0, sizeof *o);
	o->host = host;
	o->port = port;
	o->user = user;
	o->key = key;
	o->known_hosts = known_hosts;
	o->connect_timeout_ms = 5000;
	o->io_timeout_ms = 10000;
	o->keepalive_s = 2;
}

static struct jmx_ssh *
connect_or_bail(int io_ms)
{
	struct jmx_ssh_opts o;
	struct jmx_ssh *ssh;
	struct jmx_err err = { 0 };

	opts_init(&o);
	o.io_timeout_ms = io_ms;
	if (jmx_ssh_connect(&o, &ssh, &err) != JMX_OK) {
		printf("Bail out! cannot connect: %s\n", err.msg);
		exit(1);
	}
	return ssh;
}

/* Run cmd; stdout into out (reset first), the exit status returned. */
static int
run(struct jmx_ssh *ssh, const char *cmd, struct jmx_buf *out)
{
	struct jmx_err err = { 0 };
	int status = -99;

	if (out != NULL)
		jmx_buf_reset(out);
	if (jmx_ssh_exec(ssh, cmd, NULL, 0, out, NULL, &status, &err) !=
	    JMX_OK) {
		printf("# exec '%s': %s\n", cmd, err.msg);
		return -99;
	}
	return status;
}

static char *
remote_path(const char *dir, const char *name)
{
	char *p;

	xasprintf(&p, "%s/%s", dir, name);
	return p;
}

static void
test_exec(struct jmx_ssh *ssh)
{
	struct jmx_buf out = { 0 }, errout = { 0 }, cmd = { 0 }, in = { 0 };
	struct jmx_err err = { 0 };
	enum jmx_code code;
	size_t i, nx;
	int status;

	code = jmx_ssh_exec(ssh, "echo out; echo err >&2; exit 3", NULL, 0,
	    &out, &errout, &status, &err);
	is_int(code, JMX_OK, "exec: ok");
	is_str(out.data, "out\n", "exec: stdout");
	is_str(errout.data, "err\n", "exec: stderr");
	is_int(status, 3, "exec: exit status 3");

	/* stdin, then EOF: cat ends. */
	jmx_buf_reset(&out);
	code = jmx_ssh_exec(ssh, "cat", "hello\nworld", 11, &out, NULL,
	    &status, &err);
	ok(code == JMX_OK && status == 0, "exec: cat with stdin");
	is_str(out.data, "hello\nworld", "exec: stdin comes back");

	/* No stdin at all: the command sees EOF, not a hang. */
	jmx_buf_reset(&out);
	code = jmx_ssh_exec(ssh, "wc -c", NULL, 0, &out, NULL, &status, &err);
	ok(code == JMX_OK && status == 0 && out.data != NULL &&
	    atoi(out.data) == 0, "exec: no stdin is EOF");

	/* Quoting round trip. */
	jmx_buf_adds(&cmd, "printf %s ");
	jmx_shquote(&cmd, "it's a \"test\" $HOME `x` \\");
	jmx_buf_reset(&out);
	status = run(ssh, cmd.data, &out);
	is_int(status, 0, "exec: quoted command runs");
	is_str(out.data, "it's a \"test\" $HOME `x` \\",
	    "exec: quoted argument round-trips");

	/*
	 * 3 MB through cat while 5 MB go to stderr: bigger than the channel
	 * window in both directions, so stdin, stdout and stderr must all
	 * move at once or the command blocks.
	 */
	for (i = 0; i < 3 * 1024 * 1024; i++)
		jmx_buf_addc(&in, (char)('a' + i % 26));
	jmx_buf_reset(&out);
	jmx_buf_reset(&errout);
	code = jmx_ssh_exec(ssh,
	    "head -c 5000000 /dev/zero | tr '\\0' x >&2; cat", in.data, in.len,
	    &out, &errout, &status, &err);
	ok(code == JMX_OK && status == 0, "exec: big stdin/stdout/stderr");
	ok(out.len == in.len && memcmp(out.data, in.data, in.len) == 0,
	    "exec: 3 MB stdin comes back intact");
	for (i = 0, nx = 0; i < errout.len; i++)
		nx += errout.data[i] == 'x';
	ok(errout.len == 5000000 && nx == 5000000, "exec: 5 MB of stderr");

	/* A command that never reads its 3 MB of stdin: no hang. */
	jmx_buf_reset(&out);
	code = jmx_ssh_exec(ssh, "sleep 0.2; echo ignored", in.data, in.len,
	    &out, NULL, &status, &err);
	ok(code == JMX_OK && status == 0 && out.data != NULL &&
	    strcmp(out.data, "ignored\n") == 0,
	    "exec: unread stdin is dropped");

	/* stderr discarded (NULL) still drains: no hang. */
	jmx_buf_reset(&out);
	code = jmx_ssh_exec(ssh, "head -c 4000000 /dev/zero >&2; echo done",
	    NULL, 0, &out, NULL, &status, &err);
	ok(code == JMX_OK && status == 0 && out.data != NULL &&
	    strcmp(out.data, "done\n") == 0, "exec: discarded stderr drains");

	/* Killed by a signal. */
	jmx_err_clear(&err);
	code = jmx_ssh_exec(ssh, "kill -TERM $$", NULL, 0, NULL, NULL,
	    &status, &err);
	is_int(code, JMX_OK, "exec: signalled command is not an error");
	is_int(status, -1, "exec: signal gives exit -1");
	ok(strstr(err.msg, "killed by signal TERM") != NULL,
	    "exec: signal named: %s", err.msg);

	/* A command that stays silent longer than io_timeout is fine. */
	{
		struct jmx_ssh *slow = connect_or_bail(3000);
		int64_t t0 = jmx_mono_ms();

		status = run(slow, "sleep 5; echo late", &out);
		ok(status == 0 && out.data != NULL &&
		    strcmp(out.data, "late\n") == 0 &&
		    jmx_mono_ms() - t0 >= 5000,
		    "exec: 5 s silent command with io_timeout 3 s");
		jmx_ssh_close(slow);
	}

	/*
	 * Keepalives (every 2 s here, libssh2's least) only after that
	 * much silence: none while commands keep the link busy, since
	 * libssh2 keeps each reply until the session ends; one while a
	 * command is silent for 3 s.
	 */
	{
		struct jmx_ssh *k = connect_or_bail(3000);
		int64_t t0 = jmx_mono_ms();
		int n = 0, ok_all = 1;

		while (jmx_mono_ms() - t0 < 3500) {
			ok_all = ok_all && run(k, "echo busy", &out) == 0;
			n++;
		}
		ok(ok_all && jmx_ssh_keepalives_sent(k) == 0,
		    "keepalive: none on a busy link (%d sent, %d commands)",
		    jmx_ssh_keepalives_sent(k), n);
		status = run(k, "sleep 3; echo late", &out);
		ok(status == 0 && jmx_ssh_keepalives_sent(k) >= 1,
		    "keepalive: sent while a command is silent (%d)",
		    jmx_ssh_keepalives_sent(k));
		jmx_ssh_close(k);
	}

	jmx_buf_free(&out);
	jmx_buf_free(&errout);
	jmx_buf_free(&cmd);
	jmx_buf_free(&in);
}

static void
test_files(struct jmx_ssh *ssh, const char *dir)
{
	struct jmx_buf out = { 0 }, cmd = { 0 };
	struct jmx_err err = { 0 };
	enum jmx_code code;
	unsigned char *data;
	uint64_t size = 0, off;
	char *f, *g, *h, *missing;
	size_t i, len = 1024 * 1024;
	int64_t mtime = 0;
	int status, reads;
	char id[17];

	f = remote_path(dir, "blob");
	data = xmalloc(len);
	for (i = 0; i < len; i++)
		data[i] = (unsigned char)((i * 2654435761u) >> 13);
	code = jmx_ssh_upload(ssh, data, len, f, 0640, &err);
	is_int(code, JMX_OK, "upload 1 MB");
	if (code != JMX_OK)
		printf("# %s\n", err.msg);
	code = jmx_ssh_download(ssh, f, &out, &err);
	ok(code == JMX_OK && out.len == len && memcmp(out.data, data, len) ==
	    0, "download equals upload");
	jmx_buf_adds(&cmd, "stat -c %a ");
	jmx_shquote(&cmd, f);
	status = run(ssh, cmd.data, &out);
	is_str(status == 0 ? out.data : "", "640\n", "upload sets the mode");

	/* Upload over an existing file truncates it. */
	code = jmx_ssh_upload(ssh, "short", 5, f, 0600, &err);
	jmx_buf_reset(&out);
	code = code == JMX_OK ? jmx_ssh_download(ssh, f, &out, &err) : code;
	is_str(code == JMX_OK ? out.data : err.msg, "short",
	    "upload truncates an existing file");

	/* Rename: the file moves; over an existing one it is refused. */
	h = remote_path(dir, "renamed");
	code = jmx_ssh_rename(ssh, f, h, &err);
	is_int(code, JMX_OK, "rename");
	jmx_buf_reset(&out);
	code = jmx_ssh_download(ssh, h, &out, &err);
	is_str(code == JMX_OK ? out.data : err.msg, "short",
	    "renamed file has the content");
	code = jmx_ssh_download(ssh, f, &out, &err);
	is_int(code, JMX_ERR_NOTFOUND, "old name gone");
	jmx_ssh_upload(ssh, "again", 5, f, 0600, &err);
	code = jmx_ssh_rename(ssh, f, h, &err);
	ok(code != JMX_OK, "rename onto an existing file refused: %s",
	    err.msg);

	/* Times, removal and the host's name: what agent locks use. */
	code = jmx_ssh_touch(ssh, h, 1000000000, &err);
	is_int(code, JMX_OK, "touch");
	code = jmx_ssh_mtime(ssh, h, &mtime, &err);
	ok(code == JMX_OK && mtime == 1000000000, "mtime reads the time set");
	code = jmx_ssh_unlink(ssh, h, &err);
	is_int(code, JMX_OK, "unlink");
	code = jmx_ssh_mtime(ssh, h, &mtime, &err);
	is_int(code, JMX_ERR_NOTFOUND, "an unlinked file is gone");
	code = jmx_ssh_unlink(ssh, h, &err);
	is_int(code, JMX_ERR_NOTFOUND, "unlink of a missing file");
	jmx_ssh_hostkey_id(ssh, id, sizeof id);
	ok(strlen(id) == 16 && strspn(id, "0123456789abcdef") == 16,
	    "host key id is 16 hex digits: %s", id);
	free(h);

	missing = remote_path(dir, "no/such/file");
	code = jmx_ssh_download(ssh, missing, &out, &err);
	is_int(code, JMX_ERR_NOTFOUND, "download of a missing file");
	ok(strstr(err.msg, "no such file") != NULL, "  says so: %s", err.msg);
	code = jmx_ssh_upload(ssh, "x", 1, missing, 0644, &err);
	is_int(code, JMX_ERR_NOTFOUND, "upload into a missing directory");
	code = jmx_ssh_read_at(ssh, missing, 0, 100, &out, &size, &err);
	is_int(code, JMX_ERR_NOTFOUND, "read_at of a missing file");
	code = jmx_ssh_upload(ssh, "x", 1, "/proc/version", 0644, &err);
	ok(code == JMX_ERR_REMOTE || code == JMX_ERR_NOTFOUND,
	    "upload refused by the server: %s", err.msg);
	status = run(ssh, "true", NULL);
	is_int(status, 0, "connection still usable after file errors");

	/* Tail a growing file. */
	g = remote_path(dir, "results.jtl");
	jmx_buf_reset(&cmd);
	jmx_buf_adds(&cmd, "printf abc > ");
	jmx_shquote(&cmd, g);
	run(ssh, cmd.data, NULL);
	jmx_buf_reset(&out);
	code = jmx_ssh_read_at(ssh, g, 0, 1 << 20, &out, &size, &err);
	ok(code == JMX_OK && out.len == 3 && memcmp(out.data, "abc", 3) == 0 &&
	    size == 3, "read_at: first bytes");
	jmx_buf_reset(&out);
	code = jmx_ssh_read_at(ssh, g, 3, 1 << 20, &out, &size, &err);
	ok(code == JMX_OK && out.len == 0 && size == 3,
	    "read_at: nothing new");
	jmx_buf_reset(&cmd);
	jmx_buf_adds(&cmd, "printf defgh >> ");
	jmx_shquote(&cmd, g);
	run(ssh, cmd.data, NULL);
	code = jmx_ssh_read_at(ssh, g, 3, 2, &out, &size, &err);
	ok(code == JMX_OK && out.len == 2 && memcmp(out.data, "de", 2) == 0 &&
	    size == 8, "read_at: appended bytes, at most max");
	code = jmx_ssh_read_at(ssh, g, 5, 100, &out, &size, &err);
	ok(code == JMX_OK && out.len == 5 &&
	    memcmp(out.data, "defgh", 5) == 0 && size == 8,
	    "read_at: appends to out, exact offsets");

	/* A backlog bigger than max, read in pieces while it grows. */
	jmx_buf_reset(&cmd);
	jmx_buf_adds(&cmd, "head -c 3000000 /dev/zero | tr '\\0' y >> ");
	jmx_shquote(&cmd, g);
	run(ssh, cmd.data, NULL);
	jmx_buf_reset(&out);
	off = 8;
	reads = 0;
	do {
		size_t before = out.len;

		code = jmx_ssh_read_at(ssh, g, off, 1000003, &out, &size,
		    &err);
		off += out.len - before;
		reads++;
		if (reads == 2) {
			/* Grows between two reads. */
			jmx_buf_reset(&cmd);
			jmx_buf_adds(&cmd, "printf END >> ");
			jmx_shquote(&cmd, g);
			run(ssh, cmd.data, NULL);
		}
	} while (code == JMX_OK && off < size && reads < 20);
	ok(code == JMX_OK && off == 3000011 && size == 3000011 &&
	    out.len == 3000003 && memcmp(out.data + 3000000, "END", 3) == 0,
	    "read_at: 3 MB backlog in %d reads of at most 1000003", reads);
	for (i = 0; i < 3000000 && out.data[i] == 'y'; i++)
		;
	is_int(i, 3000000, "read_at: backlog bytes intact");

	/* The file replaced by a new one: reopened, size below offset. */
	jmx_buf_reset(&cmd);
	jmx_buf_adds(&cmd, "printf NEW > ");
	jmx_shquote(&cmd, g);
	jmx_buf_adds(&cmd, ".new && mv ");
	jmx_shquote(&cmd, g);
	jmx_buf_adds(&cmd, ".new ");
	jmx_shquote(&cmd, g);
	is_int(run(ssh, cmd.data, NULL), 0, "replace the tailed file");
	jmx_buf_reset(&out);
	code = jmx_ssh_read_at(ssh, g, off, 100, &out, &size, &err);
	ok(code == JMX_OK && out.len == 0 && size == 3,
	    "read_at: replaced file seen (size %llu)",
	    (unsigned long long)size);
	code = jmx_ssh_read_at(ssh, g, 0, 100, &out, &size, &err);
	is_str(code == JMX_OK ? out.data : err.msg, "NEW",
	    "read_at: reads the new file");

	/* Removed: not found, and a new file later is found again. */
	jmx_buf_reset(&cmd);
	jmx_buf_adds(&cmd, "rm ");
	jmx_shquote(&cmd, g);
	run(ssh, cmd.data, NULL);
	code = jmx_ssh_read_at(ssh, g, 3, 100, &out, &size, &err);
	is_int(code, JMX_ERR_NOTFOUND, "read_at: removed file is not found");

	code = jmx_ssh_keepalive(ssh, &err);
	is_int(code, JMX_OK, "keepalive with sftp running");

	free(data);
	free(f);
	free(g);
	free(missing);
	jmx_buf_free(&out);
	jmx_buf_free(&cmd);
}

/* Connect with one thing changed; the code, and err filled. */
static enum jmx_code
try_connect(const char *kh, const char *k, int p, const char *h, int ct_ms,
    struct jmx_err *err)
{
	struct jmx_ssh_opts o;
	struct jmx_ssh *ssh = NULL;
	enum jmx_code code;

	opts_init(&o);
	if (kh != NULL)
		o.known_hosts = kh;
	if (k != NULL)
		o.key = k;
	if (p > 0)
		o.port = p;
	if (h != NULL)
		o.host = h;
	if (ct_ms > 0)
		o.connect_timeout_ms = ct_ms;
	jmx_err_clear(err);
	code = jmx_ssh_connect(&o, &ssh, err);
	ok((code == JMX_OK) == (ssh != NULL), "  connect result is consistent");
	jmx_ssh_close(ssh);
	return code;
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL || fputs(text, fp) == EOF || fclose(fp) != 0) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
}

/*
 * A port on 127.0.0.1 where connect() hangs: a listener that never
 * accepts, its accept queue filled by our own connections.  Linux drops
 * SYNs to a listener with a full queue.  The descriptors go into fds
 * (closed by the caller); returns the port, or -1.
 */
static int
blackhole_open(int *fds, int *nfds)
{
	struct sockaddr_in sin;
	struct pollfd pfd;
	socklen_t len = sizeof sin;
	int lfd, fd, i;

	*nfds = 0;
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	fds[(*nfds)++] = lfd;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    listen(lfd, 0) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &len) == -1)
		return -1;
	for (i = 0; i < 14; i++) {
		if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
			return -1;
		fds[(*nfds)++] = fd;
		fcntl(fd, F_SETFL, O_NONBLOCK);
		if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0)
			continue;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, 200) == 0)
			return ntohs(sin.sin_port);	/* this one hangs */
	}
	return -1;
}

static void
test_refusals(void)
{
	struct jmx_err err;
	enum jmx_code code;
	const char *tmp = tap_tmpdir(), *cp;
	char kh[512], line[1024], badkey[512], keygen[1200];
	int64_t t0, dt;
	int bhfd[16], nbh = 0, bhport;

	/* An empty known_hosts: unknown host. */
	snprintf(kh, sizeof kh, "%s/empty_known_hosts", tmp);
	write_file(kh, "");
	code = try_connect(kh, NULL, 0, NULL, 0, &err);
	is_int(code, JMX_ERR_SSH, "unknown host key refused");
	ok(strstr(err.msg, "is not in known_hosts") != NULL &&
	    strstr(err.msg, kh) != NULL, "  says so: %s", err.msg);
	/* The command it prints, run as printed, makes the key known. */
	cp = strstr(err.msg, "trust it with: ");
	ok(cp != NULL && strstr(err.msg, "SHA256:") != NULL &&
	    strstr(err.msg, "out of band") != NULL,
	    "  gives the fingerprint, a hint and a command");
	if (cp != NULL) {
		snprintf(keygen, sizeof keygen, "%s 2>/dev/null",
		    cp + strlen("trust it with: "));
		ok(system(keygen) == 0, "  the command runs: %s",
		    cp + strlen("trust it with: "));
		code = try_connect(kh, NULL, 0, NULL, 0, &err);
		ok(code == JMX_OK, "  then the host is known: %s", err.msg);
	}

	/* Another key for this host: mismatch. */
	snprintf(kh, sizeof kh, "%s/wrong_known_hosts", tmp);
	if (port == 22)
		snprintf(line, sizeof line, "%s %s\n", host, other_key);
	else
		snprintf(line, sizeof line, "[%s]:%d %s\n", host, port,
		    other_key);
	write_file(kh, line);
	code = try_connect(kh, NULL, 0, NULL, 0, &err);
	is_int(code, JMX_ERR_SSH, "wrong host key refused");
	ok(strstr(err.msg, "does not match") != NULL &&
	    strstr(err.msg, "man-in-the-middle") != NULL &&
	    strstr(err.msg, "ssh-keyscan") == NULL, "  says so, "
	    "and offers no command to trust it: %s", err.msg);

	/* A missing known_hosts file. */
	snprintf(kh, sizeof kh, "%s/no_such_known_hosts", tmp);
	code = try_connect(kh, NULL, 0, NULL, 0, &err);
	ok(code == JMX_ERR_SSH && strstr(err.msg, "cannot read known_hosts"),
	    "missing known_hosts: %s", err.msg);

	/* A key the server does not know. */
	snprintf(badkey, sizeof badkey, "%s/id_unknown", tmp);
	snprintf(keygen, sizeof keygen,
	    "ssh-keygen -q -t ed25519 -N '' -C jmx-test -f '%s' </dev/null",
	    badkey);
	if (system(keygen) == 0) {
		code = try_connect(NULL, badkey, 0, NULL, 0, &err);
		is_int(code, JMX_ERR_SSH, "unknown client key refused");
		ok(strstr(err.msg, "authentication failed for key") != NULL &&
		    strstr(err.msg, badkey) != NULL && strstr(err.msg, user),
		    "  says so: %s", err.msg);
		/* Without the .pub, libssh2 derives the public key. */
		snprintf(line, sizeof line, "%s.pub", badkey);
		unlink(line);
		code = try_connect(NULL, badkey, 0, NULL, 0, &err);
		ok(code == JMX_ERR_SSH &&
		    strstr(err.msg, "authentication failed") != NULL,
		    "unknown key without .pub refused: %s", err.msg);
		/* A passphrase: said so, with the hint, with or without .pub */
		snprintf(badkey, sizeof badkey, "%s/id_secret", tmp);
		snprintf(keygen, sizeof keygen, "ssh-keygen -q -t ed25519 "
		    "-N secret -C jmx-test -f '%s' </dev/null", badkey);
		if (system(keygen) != 0)
			printf("Bail out! ssh-keygen -N failed\n");
		code = try_connect(NULL, badkey, 0, NULL, 0, &err);
		ok(code == JMX_ERR_SSH &&
		    strstr(err.msg, "is passphrase-protected") != NULL &&
		    strstr(err.msg, "ssh-agent") != NULL &&
		    strstr(err.msg, badkey) != NULL,
		    "passphrase-protected key: says so: %s", err.msg);
		snprintf(line, sizeof line, "%s.pub", badkey);
		unlink(line);
		code = try_connect(NULL, badkey, 0, NULL, 0, &err);
		ok(code == JMX_ERR_SSH &&
		    strstr(err.msg, "is passphrase-protected") != NULL,
		    "passphrase-protected key without .pub: %s", err.msg);
	} else
		ok(1, "# SKIP ssh-keygen not available");

	snprintf(badkey, sizeof badkey, "%s/no_such_key", tmp);
	code = try_connect(NULL, badkey, 0, NULL, 0, &err);
	ok(code == JMX_ERR_SSH && strstr(err.msg, "cannot read key"),
	    "missing key file: %s", err.msg);

	/* A closed port: refused at once. */
	cp = getenv("JMX_TEST_SSH_CLOSED_PORT");
	t0 = jmx_mono_ms();
	code = try_connect(NULL, NULL, cp != NULL ? atoi(cp) : 1, NULL, 0,
	    &err);
	dt = jmx_mono_ms() - t0;
	is_int(code, JMX_ERR_SSH, "closed port refused");
	ok(strstr(err.msg, "connection refused") != NULL && dt < 1000,
	    "  fast (%lld ms): %s", (long long)dt, err.msg);

	/* A host that never answers the SYN. */
	if ((bhport = blackhole_open(bhfd, &nbh)) > 0) {
		t0 = jmx_mono_ms();
		code = try_connect(NULL, NULL, bhport, "127.0.0.1", 1000, &err);
		dt = jmx_mono_ms() - t0;
		is_int(code, JMX_ERR_TIMEOUT,
		    "connect to a black hole times out");
		ok(dt >= 950 && dt < 2000 &&
		    strstr(err.msg, "timed out after 1000 ms") != NULL,
		    "  after %lld ms: %s", (long long)dt, err.msg);
	} else {
		ok(1, "# SKIP cannot make a local black hole");
		ok(1, "# SKIP cannot make a local black hole");
	}
	while (nbh > 0)
		close(bhfd[--nbh]);
}

/*
 * A dead link: stop the sshd serving a connection; the next call times
 * out within io_timeout, and later calls fail at once.
 */
static void
test_dead_link(struct jmx_ssh *ctl)
{
	struct jmx_buf out = { 0 }, cmd = { 0 };
	struct jmx_err err = { 0 };
	struct jmx_ssh *a, *b;
	enum jmx_code code;
	uint64_t size;
	int64_t t0, dt;
	long pa, pb;
	int status;

	a = connect_or_bail(1500);
	b = connect_or_bail(1500);
	run(a, "echo $PPID", &out);
	pa = out.data != NULL ? atol(out.data) : 0;
	run(b, "echo $PPID", &out);
	pb = out.data != NULL ? atol(out.data) : 0;
	/* Start SFTP on b, so its keepalive goes that way. */
	code = jmx_ssh_read_at(b, "/etc/hostname", 0, 10, &out, &size, &err);
	if (pa <= 1 || pb <= 1) {
		printf("Bail out! no sshd pid\n");
		exit(1);
	}
	jmx_buf_addf(&cmd, "kill -STOP %ld %ld", pa, pb);
	is_int(run(ctl, cmd.data, NULL), 0,
	    "dead link: sshd processes stopped");

	t0 = jmx_mono_ms();
	code = jmx_ssh_exec(a, "true", NULL, 0, NULL, NULL, &status, &err);
	dt = jmx_mono_ms() - t0;
	is_int(code, JMX_ERR_TIMEOUT, "dead link: exec times out");
	ok(dt >= 1400 && dt < 3000 &&
	    strstr(err.msg, "timed out after 1500 ms") != NULL,
	    "  within io_timeout (%lld ms): %s", (long long)dt, err.msg);
	t0 = jmx_mono_ms();
	code = jmx_ssh_exec(a, "true", NULL, 0, NULL, NULL, &status, &err);
	ok(code == JMX_ERR_SSH && jmx_mono_ms() - t0 < 100,
	    "dead link: later calls fail at once: %s", err.msg);

	t0 = jmx_mono_ms();
	code = jmx_ssh_keepalive(b, &err);
	dt = jmx_mono_ms() - t0;
	is_int(code, JMX_ERR_TIMEOUT, "dead link: keepalive times out");
	ok(dt < 3000, "  within io_timeout (%lld ms)", (long long)dt);
	code = jmx_ssh_read_at(b, "/etc/hostname", 0, 10, &out, &size, &err);
	is_int(code, JMX_ERR_SSH, "dead link: read_at fails at once");

	t0 = jmx_mono_ms();
	jmx_ssh_close(a);
	jmx_ssh_close(b);
	dt = jmx_mono_ms() - t0;
	ok(dt < 500, "dead link: close is quick (%lld ms)", (long long)dt);

	jmx_buf_reset(&cmd);
	jmx_buf_addf(&cmd, "kill -CONT %ld %ld", pa, pb);
	run(ctl, cmd.data, NULL);
	jmx_buf_free(&out);
	jmx_buf_free(&cmd);
}

/* Several connections used from several threads at once. */
static void *
worker(void *arg)
{
	struct jmx_ssh_opts o;
	struct jmx_ssh *ssh;
	struct jmx_buf out = { 0 };
	struct jmx_err err = { 0 };
	int i, status, *good = arg;

	opts_init(&o);
	if (jmx_ssh_connect(&o, &ssh, &err) != JMX_OK)
		return NULL;
	for (i = 0; i < 5; i++) {
		jmx_buf_reset(&out);
		if (jmx_ssh_exec(ssh, "echo hi", NULL, 0, &out, NULL, &status,
		    &err) == JMX_OK && status == 0 && out.len == 3)
			++*good;
		jmx_buf_reset(&out);
		if (jmx_ssh_read_at(ssh, "/etc/passwd", 0, 64, &out, NULL,
		    &err) == JMX_OK && out.len > 0)
			++*good;
	}
	jmx_ssh_close(ssh);
	jmx_buf_free(&out);
	return NULL;
}

static void
test_threads(void)
{
	pthread_t t[4];
	int good[4] = { 0 }, i, all = 0;

	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker, &good[i]);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		all += good[i];
	}
	is_int(all, 40, "four threads, one connection each");
}

/* Run "cd DIR && what" on the agent; its exit status. */
static int
run_in(struct jmx_ssh *ssh, const char *dir, const char *what)
{
	struct jmx_buf cmd = { 0 };
	int rc;

	jmx_buf_adds(&cmd, "cd ");
	jmx_shquote(&cmd, dir);
	jmx_buf_adds(&cmd, " && ");
	jmx_buf_adds(&cmd, what);
	rc = run(ssh, cmd.data, NULL);
	jmx_buf_free(&cmd);
	return rc;
}

/*
 * The status command's wait (jmx_agent_status with wait_ms), on the real
 * sshd: it waits while JMeter (a sleep in its own process group here)
 * runs and nothing happens, and answers as soon as the ready file comes
 * or the group is gone.
 */
static void
test_status_wait(struct jmx_ssh *ssh, const char *dir)
{
	struct jmx_agent_conf conf = { 0 };
	struct jmx_agent a = { 0 };
	struct jmx_agent_status st;
	struct jmx_err err = { 0 };
	enum jmx_code rc;
	int64_t t0, took;

	conf.name = "a1";
	a.conf = &conf;
	a.ssh = ssh;
	is_int(run_in(ssh, dir, "rm -f " JMX_PLAN_READY_FILE " exit_code && "
	    "{ setsid sleep 60 </dev/null >/dev/null 2>&1 & echo $! >pid; }"),
	    0, "status wait: a process group");

	t0 = jmx_mono_ms();
	rc = jmx_agent_status(&a, dir, 1000, &st, &err);
	took = jmx_mono_ms() - t0;
	ok(rc == JMX_OK && st.running && !st.ready && took >= 900,
	    "status wait: nothing happens, it waits the second (%lld ms)",
	    (long long)took);

	run_in(ssh, dir, "{ (sleep 0.3; touch " JMX_PLAN_READY_FILE
	    ") </dev/null >/dev/null 2>&1 & }");
	t0 = jmx_mono_ms();
	rc = jmx_agent_status(&a, dir, 10000, &st, &err);
	took = jmx_mono_ms() - t0;
	ok(rc == JMX_OK && st.running && st.ready && took < 8000,
	    "status wait: the ready file ends it (%lld ms of 10 s)",
	    (long long)took);

	is_int(run_in(ssh, dir, "rm -f " JMX_PLAN_READY_FILE
	    " && kill -- \"-$(cat pid)\""), 0, "status wait: the group killed");
	t0 = jmx_mono_ms();
	rc = jmx_agent_status(&a, dir, 10000, &st, &err);
	took = jmx_mono_ms() - t0;
	ok(rc == JMX_OK && !st.running && !st.ready && took < 8000,
	    "status wait: a group gone ends it (%lld ms of 10 s)",
	    (long long)took);
}

int
main(void)
{
	struct jmx_buf out = { 0 }, cmd = { 0 };
	struct jmx_ssh *ssh;
	const char *p;
	char *dir;
	char name[300];

	host = getenv("JMX_TEST_SSH_HOST");
	user = getenv("JMX_TEST_SSH_USER");
	key = getenv("JMX_TEST_SSH_KEY");
	known_hosts = getenv("JMX_TEST_SSH_KNOWN_HOSTS");
	if ((p = getenv("JMX_TEST_SSH_PORT")) != NULL && *p != '\0')
		port = atoi(p);
	if (host == NULL || user == NULL || key == NULL ||
	    known_hosts == NULL) {
		printf("1..0 # SKIP no ssh target\n");
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);

	ok(strncmp(jmx_ssh_libversion(), "1.", 2) == 0, "libssh2 %s",
	    jmx_ssh_libversion());
	jmx_ssh_close(NULL);
	ssh = connect_or_bail(10000);
	ok(1, "connect to %s", jmx_ssh_host(ssh));
	snprintf(name, sizeof name, strchr(host, ':') ? "%s@[%s]:%d" :
	    "%s@%s:%d", user, host, port);
	is_str(jmx_ssh_host(ssh), name, "host names the connection");

	if (run(ssh, "mktemp -d /tmp/jmx-test-ssh.XXXXXX", &out) != 0) {
		printf("Bail out! mktemp failed\n");
		return 1;
	}
	out.data[strcspn(out.data, "\n")] = '\0';
	dir = xstrdup(out.data);

	test_exec(ssh);
	test_files(ssh, dir);
	test_status_wait(ssh, dir);
	test_refusals();
	test_threads();
	test_dead_link(ssh);

	jmx_buf_adds(&cmd, "rm -rf ");
	jmx_shquote(&cmd, dir);
	is_int(run(ssh, cmd.data, NULL), 0, "remote temp dir removed");
	jmx_ssh_close(ssh);
	free(dir);
	jmx_buf_free(&out);
	jmx_buf_free(&cmd);
	return done_testing();
}
