/*
 * ssh.c: the SSH client over libssh2 (the only file that includes it).
 *
 * Sessions run in libssh2's non-blocking mode and every call waits in
 * ssh_wait() below, with poll() on the socket, instead of using
 * libssh2's blocking mode with libssh2_session_set_timeout().  That is a
 * deliberate departure: in libssh2 1.10 a blocking call that waits longer
 * than the keepalive interval fails with LIBSSH2_ERROR_TIMEOUT at the
 * next keepalive tick (_libssh2_wait_socket polls until the next
 * keepalive and treats that as the timeout), its timeout counts whole
 * seconds and bounds a whole call (a large upload on a slow but healthy
 * link would fail).  Here the rule is simple: a call fails with
 * JMX_ERR_TIMEOUT when the socket stays silent for io_timeout_ms, and
 * while a call waits, keepalives that want a reply go out every
 * keepalive_s, so a long silent command on a healthy link keeps hearing
 * from the server and only a dead link times out.  Only after that much
 * silence: libssh2 (1.10 to 1.11.1 at least) queues each reply, an
 * SSH_MSG_REQUEST_FAILURE nothing ever takes from the queue, until the
 * session ends; a keepalive every interval on a busy link made a
 * controller grow by ~30 kB a minute.
 *
 * libssh2 keeps at most one half-sent packet; while one is pending,
 * sending anything else fails with LIBSSH2_ERROR_BAD_USE.  So after a
 * call would block on writing, the same call is repeated before any
 * other (see jmx_ssh_exec), and keepalives are only sent while libssh2
 * waits for input.
 *
 * After a timeout or a transport error the socket is shut down
 * (kill_link): every later libssh2 call then fails at once instead of
 * waiting, which lets jmx_ssh_close() free everything without delay.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh2.h>
#include <libssh2_sftp.h>

#include "log.h"
#include "ssh.h"
#include "sshconfig.h"
#include "util.h"
#include "xmalloc.h"

#define DEFAULT_PORT		22
#define DEFAULT_CONNECT_MS	10000
#define DEFAULT_IO_MS		30000
#define DEFAULT_KEEPALIVE_S	10
#define CLOSE_MS		3000	/* most a polite close may wait */
#define NAP_MS			10	/* nap: blocked on nothing */
#define NTAIL			4	/* files kept open by read_at */
#define EXEC_BUF		16384

/* Any direction: ask libssh2 what it is blocked on. */
#define DIRS_LIBSSH2		(-1)

/* A remote file kept open between jmx_ssh_read_at() calls. */
struct tail {
	char			*path;	/* NULL: slot free */
	LIBSSH2_SFTP_HANDLE	*h;
	uint64_t		 used;	/* the oldest is evicted */
};

struct jmx_ssh {
	LIBSSH2_SESSION	*s;
	LIBSSH2_SFTP	*sftp;		/* started on first use */
	int		 fd;
	int		 io_ms;		/* io_timeout_ms */
	int		 keepalive;	/* keepalives configured */
	int		 ka_ms;		/* their interval */
	int64_t		 heard_ms;	/* the server's last bytes: note_recv */
	int64_t		 said_ms;	/* our last bytes: note_send */
	int		 ka_sent;	/* jmx_ssh_keepalives_sent() */
	int		 dead;		/* see kill_link() */
	char		*name;		/* "user@host:port" */
	struct tail	 tails[NTAIL];
	uint64_t	 stamp;
	char		*rbuf;		/* read_at/download scratch */
	size_t		 rcap;
	/* Through a jump host (ProxyJump): the pump thread owns these. */
	struct jmx_ssh	*jump;		/* the jump host's session */
	LIBSSH2_CHANNEL	*tunnel;	/* direct-tcpip channel on it */
	int		 pump_fd;	/* the pump's end of the socketpair */
	pthread_t	 pump;
	int		 pumping;	/* pump started: join it on close */
};

static void	channel_free(struct jmx_ssh *, LIBSSH2_CHANNEL *);
static void	*pump_main(void *);

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;			/* written once, under init_once */

static void
ssh_init(void)
{
	init_rc = libssh2_init(0);
}

const char *
jmx_ssh_libversion(void)
{
	return libssh2_version(0);
}

const char *
jmx_ssh_host(const struct jmx_ssh *ssh)
{
	return ssh != NULL ? ssh->name : "(not connected)";
}

/*
 * Shut the socket down: the connection is dead.  Later libssh2 calls on
 * it fail at once (send gets EPIPE, recv end of file) instead of waiting.
 */
static void
kill_link(struct jmx_ssh *ssh)
{
	if (!ssh->dead && ssh->fd != -1)
		shutdown(ssh->fd, SHUT_RDWR);
	ssh->dead = 1;
}

/* libssh2's text for the last error of the session. */
static const char *
last_error(struct jmx_ssh *ssh)
{
	char *msg = NULL;
	int len = 0;

	if (ssh->s != NULL)
		libssh2_session_last_error(ssh->s, &msg, &len, 0);
	return msg != NULL && *msg != '\0' ? msg : "unknown libssh2 error";
}

/* strerror(e) with a lowercase first letter: "connection refused". */
static const char *
errtext(int e, char *buf, size_t len)
{
	snprintf(buf, len, "%s", strerror(e));
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

/* A transport failure: report it and mark the connection dead. */
static enum jmx_code
lost(struct jmx_ssh *ssh, const char *what, struct jmx_err *err)
{
	enum jmx_code code;

	code = jmx_err_set(err, JMX_ERR_SSH, "ssh %s: %s: %s", ssh->name, what,
	    last_error(ssh));
	kill_link(ssh);
	return code;
}

static enum jmx_code
timed_out(struct jmx_ssh *ssh, const char *what, struct jmx_err *err)
{
	kill_link(ssh);
	return jmx_err_set(err, JMX_ERR_TIMEOUT,
	    "ssh %s: %s: timed out after %d ms", ssh->name, what, ssh->io_ms);
}

/*
 * A channel-level failure: the server refused a channel or a request
 * (too many sessions, no sftp subsystem).  The link itself is fine.
 */
static enum jmx_code
channel_failed(struct jmx_ssh *ssh, int rc, const char *what,
    struct jmx_err *err)
{
	if (rc == LIBSSH2_ERROR_CHANNEL_FAILURE ||
	    rc == LIBSSH2_ERROR_CHANNEL_REQUEST_DENIED)
		return jmx_err_set(err, JMX_ERR_REMOTE, "ssh %s: %s: %s",
		    ssh->name, what, last_error(ssh));
	return lost(ssh, what, err);
}

/* An SFTP failure: a status from the server, or else a transport error. */
static enum jmx_code
sftp_failed(struct jmx_ssh *ssh, int rc, const char *what,
    struct jmx_err *err)
{
	unsigned long st;
	const char *text;

	if (rc != LIBSSH2_ERROR_SFTP_PROTOCOL || ssh->sftp == NULL)
		return channel_failed(ssh, rc, what, err);
	st = libssh2_sftp_last_error(ssh->sftp);
	switch (st) {
	case LIBSSH2_FX_NO_SUCH_FILE:
	case LIBSSH2_FX_NO_SUCH_PATH:
		return jmx_err_set(err, JMX_ERR_NOTFOUND,
		    "ssh %s: %s: no such file", ssh->name, what);
	case LIBSSH2_FX_PERMISSION_DENIED:
		text = "permission denied";
		break;
	case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM:
	case LIBSSH2_FX_QUOTA_EXCEEDED:
		text = "no space left on device";
		break;
	case LIBSSH2_FX_FILE_ALREADY_EXISTS:
		text = "file exists";
		break;
	case LIBSSH2_FX_NOT_A_DIRECTORY:
		text = "not a directory";
		break;
	case LIBSSH2_FX_FAILURE:
		text = "failure (a directory, or a full disk?)";
		break;
	default:
		return jmx_err_set(err, JMX_ERR_REMOTE,
		    "ssh %s: %s: %s (sftp status %lu)", ssh->name, what,
		    last_error(ssh), st);
	}
	return jmx_err_set(err, JMX_ERR_REMOTE, "ssh %s: %s: %s", ssh->name,
	    what, text);
}

/*
 * Send a keepalive wanting a reply once the link has been silent both
 * ways for the interval (a request just sent needs none yet); *next is
 * the seconds to the next one (0: unknown).  libssh2's own schedule then
 * always agrees (its interval is ours, and its clock has moved on by at
 * least that).  Only when the socket has room: libssh2 1.10 forgets a
 * keepalive it could only half send, and with that half packet pending
 * nothing else can ever be sent (LIBSSH2_ERROR_BAD_USE).
 */
static int
keepalive_send(struct jmx_ssh *ssh, int *next)
{
	struct pollfd pfd;
	int64_t quiet = jmx_mono_ms() - (ssh->heard_ms > ssh->said_ms ?
	    ssh->heard_ms : ssh->said_ms), said = ssh->said_ms;
	int rc;

	*next = 0;
	if (quiet < ssh->ka_ms) {
		*next = (int)((ssh->ka_ms - quiet + 999) / 1000);
		return 0;
	}
	pfd.fd = ssh->fd;
	pfd.events = POLLOUT;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) != 1 ||
	    (pfd.revents & (POLLOUT | POLLERR | POLLHUP)) != POLLOUT)
		return 0;
	rc = libssh2_keepalive_send(ssh->s, next);
	if (ssh->said_ms != said)	/* bytes went out: note_send */
		ssh->ka_sent++;
	/* BAD_USE: another packet is half sent; it goes first. */
	if (rc == LIBSSH2_ERROR_EAGAIN || rc == LIBSSH2_ERROR_BAD_USE)
		rc = 0;
	return rc;
}

/*
 * Wait until the socket is ready for what libssh2 is blocked on (dirs is
 * DIRS_LIBSSH2, or LIBSSH2_SESSION_BLOCK_* bits, 0 for nothing in
 * particular: a short nap).  Readiness proves the server alive and moves
 * *deadline io_ms ahead; silence until *deadline is a timeout and kills
 * the link.  While only input is awaited, keepalives wanting a reply go
 * out every keepalive interval so a healthy server is never silent long.
 */
static enum jmx_code
ssh_wait(struct jmx_ssh *ssh, int dirs, int64_t *deadline, const char *what,
    struct jmx_err *err)
{
	struct pollfd pfd;
	int64_t now, left;
	int n, next;

	if (dirs == DIRS_LIBSSH2)
		dirs = libssh2_session_block_directions(ssh->s);
	for (;;) {
		now = jmx_mono_ms();
		if (now >= *deadline)
			return timed_out(ssh, what, err);
		left = *deadline - now;
		next = 0;
		if (ssh->keepalive && !ssh->dead &&
		    !(dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND) &&
		    keepalive_send(ssh, &next) != 0)
			return lost(ssh, what, err);
		if (next > 0 && (int64_t)next * 1000 < left)
			left = (int64_t)next * 1000;
		if (dirs == 0 && left > NAP_MS)
			left = NAP_MS;
		pfd.fd = ssh->fd;
		pfd.events = 0;
		pfd.revents = 0;
		if (dirs == 0 || (dirs & LIBSSH2_SESSION_BLOCK_INBOUND))
			pfd.events |= POLLIN;
		if (dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND)
			pfd.events |= POLLOUT;
		n = poll(&pfd, 1, (int)left);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			kill_link(ssh);
			return jmx_err_sys(err, JMX_ERR_SSH, "ssh %s: %s: poll",
			    ssh->name, what);
		}
		if (n > 0) {
			*deadline = jmx_mono_ms() + ssh->io_ms;
			return JMX_OK;
		}
		if (dirs == 0)
			return JMX_OK;
		/* A keepalive tick, or the deadline: look again. */
	}
}

static enum jmx_code
usable(struct jmx_ssh *ssh, struct jmx_err *err)
{
	if (ssh == NULL)
		return jmx_err_set(err, JMX_ERR_USAGE, "ssh: not connected");
	if (ssh->dead)
		return jmx_err_set(err, JMX_ERR_SSH,
		    "ssh %s: connection lost earlier; reconnect", ssh->name);
	return JMX_OK;
}

/* Make sure ssh->rbuf holds n bytes. */
static void
rbuf_need(struct jmx_ssh *ssh, size_t n)
{
	if (n <= ssh->rcap)
		return;
	ssh->rbuf = xrealloc(ssh->rbuf, n);
	ssh->rcap = n;
}

/* --- connecting ---------------------------------------------------- */

/* Wait for a non-blocking connect(); 0 or the errno it ended with. */
static int
connect_wait(int fd, int64_t deadline)
{
	struct pollfd pfd;
	socklen_t len;
	int64_t left;
	int n, e;

	for (;;) {
		left = deadline - jmx_mono_ms();
		if (left <= 0)
			return ETIMEDOUT;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		n = poll(&pfd, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return ETIMEDOUT;
		e = 0;
		len = sizeof e;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
			return errno;
		return e;
	}
}

/* TCP connect to host:port trying each address, all within timeout_ms. */
static enum jmx_code
tcp_connect(struct jmx_ssh *ssh, const char *host, int port, int timeout_ms,
    struct jmx_err *err)
{
	struct addrinfo hints, *res, *ai;
	char serv[16], ebuf[128];
	int64_t deadline;
	int fd = -1, e = ECONNREFUSED, rc, one = 1;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(serv, sizeof serv, "%d", port);
	rc = getaddrinfo(host, serv, &hints, &res);
	if (rc != 0) {
		snprintf(ebuf, sizeof ebuf, "%s", rc == EAI_SYSTEM ?
		    strerror(errno) : gai_strerror(rc));
		ebuf[0] = (char)tolower((unsigned char)ebuf[0]);
		return jmx_err_set(err, JMX_ERR_SSH,
		    "ssh %s: cannot resolve '%s': %s", ssh->name, host, ebuf);
	}
	deadline = jmx_mono_ms() + timeout_ms;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd == -1) {
			e = errno;
			continue;
		}
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
		    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1)
			e = errno;
		else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			e = 0;
		else if (errno == EINPROGRESS)
			e = connect_wait(fd, deadline);
		else
			e = errno;
		if (e == 0)
			break;
		close(fd);
		fd = -1;
		if (e == ETIMEDOUT)
			break;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		if (e == ETIMEDOUT)
			return jmx_err_set(err, JMX_ERR_TIMEOUT,
			    "ssh %s: connection timed out after %d ms",
			    ssh->name, timeout_ms);
		return jmx_err_set(err, JMX_ERR_SSH, "ssh %s: %s", ssh->name,
		    errtext(e, ebuf, sizeof ebuf));
	}
	/* Request and reply: never let Nagle hold a small packet back. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	ssh->fd = fd;
	return JMX_OK;
}

/* libssh2 host key type -> known_hosts key type bits. */
static int
knownhost_type(int type)
{
	switch (type) {
	case LIBSSH2_HOSTKEY_TYPE_RSA:
		return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
	case LIBSSH2_HOSTKEY_TYPE_DSS:
		return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_256:
		return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_384:
		return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_521:
		return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
	case LIBSSH2_HOSTKEY_TYPE_ED25519:
		return LIBSSH2_KNOWNHOST_KEY_ED25519;
	default:
		return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
	}
}

/* known_hosts key type bits -> host key algorithm names, best first. */
static const char *
knownhost_algs(int bits)
{
	switch (bits) {
	case LIBSSH2_KNOWNHOST_KEY_SSHRSA:
		return "rsa-sha2-512,rsa-sha2-256,ssh-rsa";
	case LIBSSH2_KNOWNHOST_KEY_SSHDSS:
		return "ssh-dss";
	case LIBSSH2_KNOWNHOST_KEY_ECDSA_256:
		return "ecdsa-sha2-nistp256";
	case LIBSSH2_KNOWNHOST_KEY_ECDSA_384:
		return "ecdsa-sha2-nistp384";
	case LIBSSH2_KNOWNHOST_KEY_ECDSA_521:
		return "ecdsa-sha2-nistp521";
	case LIBSSH2_KNOWNHOST_KEY_ED25519:
		return "ssh-ed25519";
	default:
		return NULL;
	}
}

static const char *
hostkey_name(int type)
{
	const char *s = knownhost_algs(knownhost_type(type));
	const char *comma;

	if (s == NULL)
		return "unknown key type";
	/* "rsa-sha2-512,...,ssh-rsa": name the key type, the last one. */
	while ((comma = strchr(s, ',')) != NULL)
		s = comma + 1;
	return s;
}

/* Is name (n bytes) in the comma-separated list? */
static int
has_alg(const char *list, const char *name, size_t n)
{
	const char *p;

	for (p = list; p != NULL; p = strchr(p, ',') != NULL ?
	    strchr(p, ',') + 1 : NULL)
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

/* Append each name of the comma-separated list algs not yet in b. */
static void
add_algs(struct jmx_buf *b, const char *algs)
{
	const char *p, *q;
	size_t n;

	for (p = algs; *p != '\0'; p = *q == ',' ? q + 1 : q) {
		q = p + strcspn(p, ",");
		n = (size_t)(q - p);
		if (n == 0 || (b->len > 0 && has_alg(b->data, p, n)))
			continue;
		if (b->len > 0)
			jmx_buf_addc(b, ',');
		jmx_buf_add(b, p, n);
	}
}

/*
 * Offer first the host key algorithms that known_hosts has for this host
 * (plain entries only; hashed names cannot be listed), as OpenSSH does:
 * a server with both an ECDSA and an Ed25519 key, known by its Ed25519
 * key, must not be refused for showing the ECDSA one.
 */
static void
hostkey_prefs(struct jmx_ssh *ssh, LIBSSH2_KNOWNHOSTS *kh, const char *host,
    int port)
{
	struct libssh2_knownhost *k = NULL, *prev = NULL;
	struct jmx_buf b = { 0 };
	const char **algs = NULL;
	const char *a;
	char bracket[300];
	int i, n;

	snprintf(bracket, sizeof bracket, "[%s]:%d", host, port);
	while (libssh2_knownhost_get(kh, &k, prev) == 0) {
		prev = k;
		if ((k->typemask & LIBSSH2_KNOWNHOST_TYPE_MASK) !=
		    LIBSSH2_KNOWNHOST_TYPE_PLAIN || k->name == NULL)
			continue;
		if (strcmp(k->name, host) != 0 && strcmp(k->name, bracket) != 0)
			continue;
		a = knownhost_algs(k->typemask & LIBSSH2_KNOWNHOST_KEY_MASK);
		if (a != NULL)
			add_algs(&b, a);
	}
	if (b.len > 0) {
		n = libssh2_session_supported_algs(ssh->s,
		    LIBSSH2_METHOD_HOSTKEY, &algs);
		for (i = 0; i < n; i++)
			add_algs(&b, algs[i]);
		if (n > 0)
			libssh2_free(ssh->s, (void *)algs);
		/* Best effort: unsupported names are dropped by libssh2. */
		libssh2_session_method_pref(ssh->s, LIBSSH2_METHOD_HOSTKEY,
		    b.data);
	}
	jmx_buf_free(&b);
}

/* "SHA256:base64" of the server's host key, as ssh-keygen -l shows it. */
static void
fingerprint(struct jmx_ssh *ssh, char *out, size_t len)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *h;
	char buf[48];
	size_t i, o = 0;
	unsigned v;
	int bits = 0;

	h = (const unsigned char *)libssh2_hostkey_hash(ssh->s,
	    LIBSSH2_HOSTKEY_HASH_SHA256);
	if (h == NULL) {
		snprintf(out, len, "(no fingerprint)");
		return;
	}
	/* 32 bytes, unpadded: 43 characters. */
	for (i = 0, v = 0; i < 32; i++) {
		v = (v << 8) | h[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			buf[o++] = b64[(v >> bits) & 63];
		}
	}
	if (bits > 0)
		buf[o++] = b64[(v << (6 - bits)) & 63];
	buf[o] = '\0';
	snprintf(out, len, "SHA256:%s", buf);
}

/*
 * The command that adds host's key of this type to known_hosts file
 * khpath, in the "[host]:port" form libssh2 looks up for a port not 22;
 * a type jmx does not know (NULL) is left to ssh-keyscan.
 */
static void
trust_command(struct jmx_buf *b, const char *host, int port,
    const char *type, const char *khpath)
{
	jmx_buf_adds(b, "ssh-keyscan");
	if (port != 22)
		jmx_buf_addf(b, " -p %d", port);
	if (type != NULL)
		jmx_buf_addf(b, " -t %s", type);
	jmx_buf_addc(b, ' ');
	jmx_shquote(b, host);
	jmx_buf_adds(b, " >> ");
	jmx_shquote(b, khpath);
}

static enum jmx_code
check_hostkey(struct jmx_ssh *ssh, LIBSSH2_KNOWNHOSTS *kh, const char *host,
    int port, const char *khpath, struct jmx_err *err)
{
	struct jmx_buf cmd = { 0 };
	enum jmx_code code;
	const char *key;
	char fp[64];
	size_t len;
	int type, rc;

	key = libssh2_session_hostkey(ssh->s, &len, &type);
	if (key == NULL)
		return lost(ssh, "host key", err);
	fingerprint(ssh, fp, sizeof fp);
	/* With a port, "[host]:port" is looked up, then plain "host". */
	rc = libssh2_knownhost_checkp(kh, host, port, key, len,
	    LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW |
	    knownhost_type(type), NULL);
	switch (rc) {
	case LIBSSH2_KNOWNHOST_CHECK_MATCH:
		log_debug("%s: host key %s %s matches", ssh->name,
		    hostkey_name(type), fp);
		return JMX_OK;
	case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
		trust_command(&cmd, host, port, knownhost_algs(
		    knownhost_type(type)) != NULL ? hostkey_name(type) : NULL,
		    khpath);
		code = jmx_err_set(err, JMX_ERR_SSH,
		    "ssh %s: host key for '%s' is not in known_hosts '%s' "
		    "(server offered %s %s); if that is the host's key "
		    "(compare it out of band: ssh-keygen -lf "
		    "/etc/ssh/ssh_host_*_key.pub on the host), trust it with: "
		    "%s", ssh->name, host, khpath, hostkey_name(type), fp,
		    cmd.data);
		jmx_buf_free(&cmd);
		return code;
	case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
		return jmx_err_set(err, JMX_ERR_SSH,
		    "ssh %s: host key for '%s' does not match known_hosts '%s' "
		    "(possible man-in-the-middle; server offered %s %s)",
		    ssh->name, host, khpath, hostkey_name(type), fp);
	default:
		return jmx_err_set(err, JMX_ERR_SSH,
		    "ssh %s: cannot check host key: %s", ssh->name,
		    last_error(ssh));
	}
}

/*
 * Is the private key file at path protected by a passphrase?  PEM keys
 * say "ENCRYPTED" in their armour; an OpenSSH key names its cipher after
 * the "openssh-key-v1" magic, "none" when it is not.  Only read after a
 * failed login, to say why.
 */
static int
key_encrypted(const char *path)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char begin[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
	unsigned char bin[48];
	char text[1024], *p, *c;
	size_t n = 0, len;
	uint32_t acc = 0, bits = 0, clen;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	len = fread(text, 1, sizeof text - 1, fp);
	fclose(fp);
	text[len] = '\0';
	if (strstr(text, "ENCRYPTED") != NULL)
		return 1;
	if ((p = strstr(text, begin)) == NULL)
		return 0;
	for (p += sizeof begin - 1; *p != '\0' && n < sizeof bin; p++) {
		if ((c = strchr(b64, *p)) == NULL)
			continue;
		acc = acc << 6 | (uint32_t)(c - b64);
		if ((bits += 6) >= 8) {
			bits -= 8;
			bin[n++] = (unsigned char)(acc >> bits);
		}
	}
	/* "openssh-key-v1\0", then the cipher name's length and name */
	if (n < 19 || memcmp(bin, "openssh-key-v1", 15) != 0)
		return 0;
	clen = (uint32_t)bin[15] << 24 | (uint32_t)bin[16] << 16 |
	    (uint32_t)bin[17] << 8 | bin[18];
	return clen > 0 && 19 + clen <= n &&
	    !(clen == 4 && memcmp(bin + 19, "none", 4) == 0);
}

/* Did authentication fail because the link went? */
static int
link_gone(int rc)
{
	return rc == LIBSSH2_ERROR_SOCKET_SEND ||
	    rc == LIBSSH2_ERROR_SOCKET_RECV ||
	    rc == LIBSSH2_ERROR_SOCKET_DISCONNECT;
}

/* An ssh_wait() failed during authentication; err says why. */
#define AUTH_WAIT_FAILED	(-10000)

/* Log in with a key file: 0, a libssh2 error or AUTH_WAIT_FAILED. */
static int
auth_file(struct jmx_ssh *ssh, const char *user, const char *key,
    struct jmx_err *err)
{
	int64_t dl;
	char *pub;
	int rc;

	xasprintf(&pub, "%s.pub", key);
	if (access(pub, R_OK) == -1) {
		/* libssh2 derives the public key from the private one. */
		free(pub);
		pub = NULL;
	}
	dl = jmx_mono_ms() + ssh->io_ms;
	while ((rc = libssh2_userauth_publickey_fromfile_ex(ssh->s, user,
	    (unsigned int)strlen(user), pub, key, NULL)) ==
	    LIBSSH2_ERROR_EAGAIN)
		if (ssh_wait(ssh, DIRS_LIBSSH2, &dl, "authentication", err) !=
		    JMX_OK) {
			rc = AUTH_WAIT_FAILED;
			break;
		}
	free(pub);
	return rc;
}

/*
 * Log in with each key ssh-agent holds, in its order: 0, a libssh2 error
 * or AUTH_WAIT_FAILED; *nkeys counts the keys tried (-1: no agent).
 */
static int
auth_agent(struct jmx_ssh *ssh, const char *user, int *nkeys,
    struct jmx_err *err)
{
	struct libssh2_agent_publickey *id, *prev = NULL;
	LIBSSH2_AGENT *agent;
	int64_t dl;
	int rc = -1;

	*nkeys = -1;
	if ((agent = libssh2_agent_init(ssh->s)) == NULL)
		return -1;
	if (libssh2_agent_connect(agent) != 0 ||
	    libssh2_agent_list_identities(agent) != 0) {
		log_debug("%s: ssh-agent: %s", ssh->name, last_error(ssh));
		libssh2_agent_free(agent);
		return -1;
	}
	*nkeys = 0;
	while (libssh2_agent_get_identity(agent, &id, prev) == 0) {
		prev = id;
		(*nkeys)++;
		dl = jmx_mono_ms() + ssh->io_ms;
		while ((rc = libssh2_agent_userauth(agent, user, id)) ==
		    LIBSSH2_ERROR_EAGAIN)
			if (ssh_wait(ssh, DIRS_LIBSSH2, &dl, "authentication",
			    err) != JMX_OK) {
				rc = AUTH_WAIT_FAILED;
				break;
			}
		if (rc == 0 || rc == AUTH_WAIT_FAILED || link_gone(rc))
			break;
		log_debug("%s: ssh-agent key '%s' refused", ssh->name,
		    id->comment != NULL ? id->comment : "");
	}
	libssh2_agent_disconnect(agent);
	libssh2_agent_free(agent);
	return *nkeys > 0 ? rc : -1;
}

/*
 * Is authentication over after a try that gave rc: logged in (*code
 * JMX_OK), or the link failed (*code says how)?  0: try the next way.
 */
static int
auth_done(struct jmx_ssh *ssh, int rc, enum jmx_code *code,
    struct jmx_err *err)
{
	if (rc == 0)
		*code = JMX_OK;
	else if (rc == AUTH_WAIT_FAILED)
		*code = err != NULL ? err->code : JMX_ERR_SSH;
	else if (link_gone(rc))
		*code = lost(ssh, "authentication", err);
	else
		return 0;
	return 1;
}

/*
 * Log in as user: with the key file if one is given, then with the keys
 * of ssh-agent if SSH_AUTH_SOCK is set, then (no key given) with the
 * default ~/.ssh/id_ed25519, id_ecdsa, id_rsa, as ssh(1) does.
 */
static enum jmx_code
authenticate(struct jmx_ssh *ssh, const char *user, const char *key,
    struct jmx_err *err)
{
	static const char *const defaults[] = {
		"id_ed25519", "id_ecdsa", "id_rsa"
	};
	const char *sock = getenv("SSH_AUTH_SOCK"), *home = getenv("HOME");
	char agent_said[96] = "", *path;
	enum jmx_code code;
	size_t i;
	int rc, nkeys = -1;

	if (key != NULL && auth_done(ssh, auth_file(ssh, user, key, err),
	    &code, err))
		return code;
	if (sock != NULL && *sock != '\0') {
		if (auth_done(ssh, auth_agent(ssh, user, &nkeys, err), &code,
		    err)) {
			if (code == JMX_OK)
				log_debug("%s: authenticated by ssh-agent",
				    ssh->name);
			return code;
		}
		snprintf(agent_said, sizeof agent_said, nkeys < 0 ?
		    "; ssh-agent at '%.40s' cannot be used" : nkeys == 0 ?
		    "; ssh-agent holds no keys" :
		    "; ssh-agent's keys were refused", sock);
	}
	if (key != NULL) {
		/* No passphrase can be asked for: say so, not libssh2's. */
		if (key_encrypted(key))
			return jmx_err_set(err, JMX_ERR_SSH,
			    "ssh %s: key '%s' is passphrase-protected; jmx "
			    "cannot ask for the passphrase: add it to "
			    "ssh-agent (ssh-add) or give a key without one%s",
			    ssh->name, key, agent_said);
		return jmx_err_set(err, JMX_ERR_SSH,
		    "ssh %s: authentication failed for key '%s': %s%s",
		    ssh->name, key, last_error(ssh), agent_said);
	}
	for (i = 0; home != NULL && i < sizeof defaults / sizeof *defaults;
	    i++) {
		xasprintf(&path, "%s/.ssh/%s", home, defaults[i]);
		rc = access(path, R_OK) == 0 && !key_encrypted(path) ?
		    auth_file(ssh, user, path, err) : -1;
		free(path);
		if (auth_done(ssh, rc, &code, err))
			return code;
	}
	return jmx_err_set(err, JMX_ERR_SSH,
	    "ssh %s: authentication failed: no key given (agents[].key or "
	    "IdentityFile), and no key in ~/.ssh was accepted%s%s", ssh->name,
	    agent_said, sock == NULL || *sock == '\0' ?
	    "; SSH_AUTH_SOCK is not set" : "");
}

/* --- connecting: where to, and through what ------------------------ */

/* One SSH hop, resolved: inventory, then ssh_config, then defaults. */
struct hop {
	char	*host;		/* address connected to, known_hosts name */
	int	 port;
	char	*user;
	char	*key;		/* NULL: ssh-agent or ~/.ssh keys */
};

static void
hop_clear(struct hop *h)
{
	free(h->host);
	free(h->user);
	free(h->key);
	memset(h, 0, sizeof *h);
}

/* The ssh_config file: opts, $JMX_SSH_CONFIG, ~/.ssh/config; NULL none. */
static char *
sshconf_path(const struct jmx_ssh_opts *o)
{
	const char *p = o->ssh_config, *home;
	char *s;

	if (p == NULL)
		p = getenv("JMX_SSH_CONFIG");
	if (p != NULL)
		return *p == '\0' || strcmp(p, "none") == 0 ? NULL :
		    xstrdup(p);
	if ((home = getenv("HOME")) == NULL)
		return NULL;
	xasprintf(&s, "%s/.ssh/config", home);
	return s;
}

/*
 * Fill h for name from what the inventory gave (user, port, key; may be
 * NULL or 0) and what the ssh_config blocks for name say (sc).
 */
static void
hop_fill(struct hop *h, const char *name, const char *user, int port,
    const char *key, const struct jmx_sshconf *sc)
{
	struct passwd *pw = getpwuid(getuid());
	const char *home = getenv("HOME"), *luser;

	luser = pw != NULL ? pw->pw_name : getenv("USER");
	if (home == NULL && pw != NULL)
		home = pw->pw_dir;
	h->host = sc->hostname != NULL ? jmx_sshconf_expand(sc->hostname,
	    home, name, luser, NULL) : xstrdup(name);
	h->user = xstrdup(user != NULL && *user != '\0' ? user :
	    sc->user != NULL ? sc->user : "root");
	h->port = port > 0 ? port : sc->port > 0 ? sc->port : DEFAULT_PORT;
	if (key != NULL && *key != '\0')
		h->key = xstrdup(key);
	else if (sc->identity_file != NULL)
		h->key = jmx_sshconf_expand(sc->identity_file, home, h->host,
		    luser, h->user);
}

/*
 * Resolve the target t and, when ssh_config names a ProxyJump for it,
 * the jump host j (*jump set).  The jump host's own blocks are read too
 * (its HostName, User, Port, IdentityFile, not its ProxyJump); what it
 * leaves unset comes from the target: its user and its key.
 */
static enum jmx_code
resolve(const struct jmx_ssh_opts *o, struct hop *t, struct hop *j,
    int *jump, struct jmx_err *err)
{
	struct jmx_sshconf sc, jc;
	enum jmx_code code;
	char *path, *juser = NULL, *jhost = NULL;
	int jport = 0;

	*jump = 0;
	memset(&sc, 0, sizeof sc);
	memset(&jc, 0, sizeof jc);
	path = sshconf_path(o);
	if (path != NULL && (code = jmx_sshconf_load(path, o->host, &sc,
	    err)) != JMX_OK)
		goto out;
	hop_fill(t, o->host, o->user, o->port, o->key, &sc);
	if (sc.proxy_jump != NULL) {
		if ((code = jmx_sshconf_jump(sc.proxy_jump, &juser, &jhost,
		    &jport, err)) != JMX_OK) {
			jmx_err_prefix(err, "'%s'", path);
			goto out;
		}
		if ((code = jmx_sshconf_load(path, jhost, &jc, err)) != JMX_OK)
			goto out;
		if (jc.user == NULL && juser == NULL)
			juser = xstrdup(t->user);
		if (jc.identity_file == NULL && t->key != NULL)
			jc.identity_file = xstrdup(t->key);
		hop_fill(j, jhost, juser, jport, NULL, &jc);
		*jump = 1;
	}
	code = JMX_OK;
out:
	jmx_sshconf_clear(&sc);
	jmx_sshconf_clear(&jc);
	free(juser);
	free(jhost);
	free(path);
	return code;
}

/* A connection not yet connected, named "user@host:port". */
static struct jmx_ssh *
conn_new(const struct hop *h, const struct jmx_ssh_opts *o)
{
	struct jmx_ssh *ssh;

	ssh = xcalloc(1, sizeof *ssh);
	ssh->fd = -1;
	ssh->pump_fd = -1;
	ssh->io_ms = o->io_timeout_ms > 0 ? o->io_timeout_ms : DEFAULT_IO_MS;
	xasprintf(&ssh->name, strchr(h->host, ':') != NULL ? "%s@[%s]:%d" :
	    "%s@%s:%d", h->user, h->host, h->port);
	return ssh;
}

/*
 * libssh2's socket reads and writes, as its own (_libssh2_recv,
 * _libssh2_send), noting when each side last spoke: keepalives go out
 * only after silence.  noted(): a socket call's result as libssh2 wants
 * it, *when set if bytes moved.
 */
static ssize_t
noted(ssize_t n, int64_t *when)
{
	if (n > 0)
		*when = jmx_mono_ms();
	else if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

static LIBSSH2_RECV_FUNC(note_recv)
{
	struct jmx_ssh *ssh = *abstract;

	return noted(recv(socket, buffer, length, flags), &ssh->heard_ms);
}

static LIBSSH2_SEND_FUNC(note_send)
{
	struct jmx_ssh *ssh = *abstract;

	return noted(send(socket, buffer, length, flags), &ssh->said_ms);
}

static void
note_io_set(struct jmx_ssh *ssh)
{
	/* libssh2 1.10 takes the functions as void *. */
	union {
		LIBSSH2_RECV_FUNC((*f));
		void *p;
	} r;
	union {
		LIBSSH2_SEND_FUNC((*f));
		void *p;
	} w;

	r.f = note_recv;
	w.f = note_send;
	ssh->heard_ms = ssh->said_ms = jmx_mono_ms();
	libssh2_session_callback_set(ssh->s, LIBSSH2_CALLBACK_RECV, r.p);
	libssh2_session_callback_set(ssh->s, LIBSSH2_CALLBACK_SEND, w.p);
}

/*
 * The SSH session over ssh->fd (a TCP socket, or the pump's socketpair):
 * handshake, host key checked against known_hosts (an unknown or a
 * different key is refused, never added), then log in.
 */
static enum jmx_code
session_open(struct jmx_ssh *ssh, const struct hop *h, const char *khpath,
    const struct jmx_ssh_opts *o, int tcp, struct jmx_err *err)
{
	LIBSSH2_KNOWNHOSTS *kh = NULL;
	enum jmx_code code;
	char ebuf[128];
	int64_t dl;
	int rc, ka, connect_ms;

	connect_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms :
	    DEFAULT_CONNECT_MS;
	ssh->s = libssh2_session_init_ex(NULL, NULL, NULL, ssh);
	if (ssh->s == NULL)
		return jmx_err_set(err, JMX_ERR_SSH,
		    "ssh %s: cannot create a libssh2 session", ssh->name);
	libssh2_session_set_blocking(ssh->s, 0);
	note_io_set(ssh);

	/* Read known_hosts first: a missing file fails before any traffic. */
	kh = libssh2_knownhost_init(ssh->s);
	if (kh == NULL)
		return jmx_err_set(err, JMX_ERR_SSH, "ssh %s: %s", ssh->name,
		    last_error(ssh));
	rc = libssh2_knownhost_readfile(kh, khpath,
	    LIBSSH2_KNOWNHOST_FILE_OPENSSH);
	if (rc < 0) {
		code = jmx_err_set(err, JMX_ERR_SSH,
		    "ssh %s: cannot read known_hosts '%s': %s", ssh->name,
		    khpath, access(khpath, R_OK) == -1 ?
		    errtext(errno, ebuf, sizeof ebuf) : last_error(ssh));
		goto out;
	}
	hostkey_prefs(ssh, kh, h->host, h->port);

	if (tcp && (code = tcp_connect(ssh, h->host, h->port, connect_ms,
	    err)) != JMX_OK)
		goto out;
	dl = jmx_mono_ms() + ssh->io_ms;
	while ((rc = libssh2_session_handshake(ssh->s, ssh->fd)) ==
	    LIBSSH2_ERROR_EAGAIN)
		if ((code = ssh_wait(ssh, DIRS_LIBSSH2, &dl, "handshake",
		    err)) != JMX_OK)
			goto out;
	if (rc != 0) {
		code = lost(ssh, "handshake", err);
		goto out;
	}
	if ((code = check_hostkey(ssh, kh, h->host, h->port, khpath, err)) !=
	    JMX_OK)
		goto out;
	if ((code = authenticate(ssh, h->user, h->key, err)) != JMX_OK)
		goto out;

	/*
	 * Keepalives only now: a global request in the middle of the key
	 * exchange would break the protocol.  They go out from ssh_wait()
	 * only, so keep the interval well below io_timeout_ms.
	 */
	ka = o->keepalive_s > 0 ? o->keepalive_s : DEFAULT_KEEPALIVE_S;
	if (ka > ssh->io_ms / 3000)
		ka = ssh->io_ms / 3000;
	if (ka < 2)
		ka = 2;		/* libssh2 makes 1 into 2 */
	libssh2_keepalive_config(ssh->s, 1, (unsigned int)ka);
	ssh->ka_ms = ka * 1000;
	ssh->keepalive = 1;
	code = JMX_OK;
out:
	libssh2_knownhost_free(kh);
	return code;
}

/*
 * Reach t through the jump host j: log in to j (its host key checked
 * like any other), open a direct-tcpip channel from it to t, and start
 * the pump that carries ssh's session over a socketpair through it.
 */
static enum jmx_code
jump_open(struct jmx_ssh *ssh, const struct hop *t, const struct hop *j,
    const char *khpath, const struct jmx_ssh_opts *o, struct jmx_err *err)
{
	struct jmx_ssh *js;
	LIBSSH2_CHANNEL *ch;
	enum jmx_code code;
	sigset_t all, old;
	int64_t dl;
	int sv[2], rc;

	js = conn_new(j, o);
	if ((code = session_open(js, j, khpath, o, 1, err)) != JMX_OK) {
		jmx_err_prefix(err, "ssh %s: jump host", ssh->name);
		goto fail;
	}
	dl = jmx_mono_ms() + js->io_ms;
	while ((ch = libssh2_channel_direct_tcpip_ex(js->s, t->host, t->port,
	    "127.0.0.1", 22)) == NULL) {
		rc = libssh2_session_last_errno(js->s);
		if (rc != LIBSSH2_ERROR_EAGAIN) {
			code = rc == LIBSSH2_ERROR_CHANNEL_FAILURE ?
			    jmx_err_set(err, JMX_ERR_SSH, "ssh %s: jump host "
			    "%s cannot reach it: %s", ssh->name, js->name,
			    last_error(js)) : lost(js, "open tunnel", err);
			goto fail;
		}
		if ((code = ssh_wait(js, DIRS_LIBSSH2, &dl, "open tunnel",
		    err)) != JMX_OK)
			goto fail;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
	    sv) == -1) {
		code = jmx_err_sys(err, JMX_ERR_SSH, "ssh %s: socketpair",
		    ssh->name);
		channel_free(js, ch);
		goto fail;
	}
	ssh->fd = sv[0];
	ssh->pump_fd = sv[1];
	ssh->jump = js;
	ssh->tunnel = ch;
	/* The pump takes no signal: the program's threads handle them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&ssh->pump, NULL, pump_main, ssh);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		ssh->jump = NULL;
		ssh->tunnel = NULL;
		channel_free(js, ch);
		jmx_ssh_close(js);
		errno = rc;
		return jmx_err_sys(err, JMX_ERR_SSH, "ssh %s: pthread_create",
		    ssh->name);
	}
	ssh->pumping = 1;
	log_debug("%s: tunnel through %s", ssh->name, js->name);
	return JMX_OK;

fail:
	kill_link(js);
	jmx_ssh_close(js);
	return code;
}

enum jmx_code
jmx_ssh_connect(const struct jmx_ssh_opts *o, struct jmx_ssh **sshp,
    struct jmx_err *err)
{
	struct hop t, j;
	struct jmx_ssh *ssh;
	enum jmx_code code;
	const char *home;
	char *khpath = NULL, ebuf[128], *name;
	int jump;

	*sshp = NULL;
	if (o->host == NULL || *o->host == '\0')
		return jmx_err_set(err, JMX_ERR_USAGE, "ssh: no host given");
	memset(&t, 0, sizeof t);
	memset(&j, 0, sizeof j);
	if ((code = resolve(o, &t, &j, &jump, err)) != JMX_OK) {
		jmx_err_prefix(err, "ssh %s", o->host);
		return code;
	}
	ssh = conn_new(&t, o);
	if (jump) {
		xasprintf(&name, "%s (via %s@%s:%d)", ssh->name, j.user,
		    j.host, j.port);
		free(ssh->name);
		ssh->name = name;
	}
	if (t.key != NULL && access(t.key, R_OK) == -1) {
		code = jmx_err_set(err, JMX_ERR_SSH,
		    "ssh %s: cannot read key '%s': %s", ssh->name, t.key,
		    errtext(errno, ebuf, sizeof ebuf));
		goto fail;
	}
	if (o->known_hosts != NULL)
		khpath = xstrdup(o->known_hosts);
	else if ((home = getenv("HOME")) != NULL)
		xasprintf(&khpath, "%s/.ssh/known_hosts", home);
	else {
		code = jmx_err_set(err, JMX_ERR_USAGE,
		    "ssh %s: no known_hosts file given and HOME is not set",
		    ssh->name);
		goto fail;
	}

	pthread_once(&init_once, ssh_init);
	if (init_rc != 0) {
		code = jmx_err_set(err, JMX_ERR_SSH,
		    "ssh %s: libssh2_init failed (%d)", ssh->name, init_rc);
		goto fail;
	}
	if (jump && (code = jump_open(ssh, &t, &j, khpath, o, err)) != JMX_OK)
		goto fail;
	if ((code = session_open(ssh, &t, khpath, o, !jump, err)) != JMX_OK)
		goto fail;
	log_debug("%s: connected", ssh->name);
	free(khpath);
	hop_clear(&t);
	hop_clear(&j);
	*sshp = ssh;
	return JMX_OK;

fail:
	free(khpath);
	hop_clear(&t);
	hop_clear(&j);
	kill_link(ssh);
	jmx_ssh_close(ssh);
	return code;
}

/* --- closing ------------------------------------------------------- */

/*
 * Wait once more while cleaning up.  Once the link is dead libssh2 fails
 * at once rather than asking again; the count is only a safety net.
 */
static int
cleanup_wait(struct jmx_ssh *ssh, int64_t *dl, int *spins)
{
	ssh_wait(ssh, DIRS_LIBSSH2, dl, "close", NULL);
	return !ssh->dead || ++*spins < 100;
}

/* Free a channel; if the server does not confirm in time, the link dies. */
static void
channel_free(struct jmx_ssh *ssh, LIBSSH2_CHANNEL *ch)
{
	int64_t dl = jmx_mono_ms() + ssh->io_ms;
	int spins = 0;

	while (libssh2_channel_free(ch) == LIBSSH2_ERROR_EAGAIN)
		if (!cleanup_wait(ssh, &dl, &spins))
			break;
}

/* Close an SFTP handle; the result is the close's libssh2 code. */
static int
handle_close(struct jmx_ssh *ssh, LIBSSH2_SFTP_HANDLE *h)
{
	int64_t dl = jmx_mono_ms() + ssh->io_ms;
	int rc, spins = 0;

	while ((rc = libssh2_sftp_close_handle(h)) == LIBSSH2_ERROR_EAGAIN)
		if (!cleanup_wait(ssh, &dl, &spins))
			break;
	return rc;
}

static void
tail_drop(struct jmx_ssh *ssh, struct tail *t)
{
	if (t->h != NULL)
		handle_close(ssh, t->h);
	free(t->path);
	t->path = NULL;
	t->h = NULL;
}

void
jmx_ssh_close(struct jmx_ssh *ssh)
{
	int64_t dl;
	int i, spins;

	if (ssh == NULL)
		return;
	if (ssh->s != NULL) {
		/* A polite close of a live link, but never a long one. */
		if (ssh->io_ms > CLOSE_MS)
			ssh->io_ms = CLOSE_MS;
		for (i = 0; i < NTAIL; i++)
			tail_drop(ssh, &ssh->tails[i]);
		if (ssh->sftp != NULL) {
			dl = jmx_mono_ms() + ssh->io_ms;
			spins = 0;
			while (libssh2_sftp_shutdown(ssh->sftp) ==
			    LIBSSH2_ERROR_EAGAIN)
				if (!cleanup_wait(ssh, &dl, &spins))
					break;
			ssh->sftp = NULL;
		}
		if (!ssh->dead) {
			dl = jmx_mono_ms() + ssh->io_ms;
			spins = 0;
			while (libssh2_session_disconnect_ex(ssh->s,
			    SSH_DISCONNECT_BY_APPLICATION, "bye", "") ==
			    LIBSSH2_ERROR_EAGAIN)
				if (!cleanup_wait(ssh, &dl, &spins))
					break;
		}
		/* With the socket shut, freeing cannot wait on the network. */
		kill_link(ssh);
		for (i = 0; i < 100; i++)
			if (libssh2_session_free(ssh->s) !=
			    LIBSSH2_ERROR_EAGAIN)
				break;
	}
	if (ssh->fd != -1)
		close(ssh->fd);
	/* Our end closed, the pump sees end of file and winds down. */
	if (ssh->pumping)
		pthread_join(ssh->pump, NULL);
	else if (ssh->jump != NULL)
		jmx_ssh_close(ssh->jump);
	if (ssh->pump_fd != -1)
		close(ssh->pump_fd);
	free(ssh->rbuf);
	free(ssh->name);
	free(ssh);
}

/* --- the pump: a session carried through a jump host ----------------- */

#define PUMP_BUF	32768

/* One direction's bytes in flight. */
struct pipebuf {
	char	data[PUMP_BUF];
	size_t	off;
	size_t	len;
};

/*
 * Carry bytes both ways between the socketpair (the target session's
 * transport) and the direct-tcpip channel on the jump session, until
 * either side ends.  The jump session is this thread's alone once it
 * runs.  As in jmx_ssh_exec, a libssh2 call that blocked with half a
 * packet out is repeated before any other; keepalives keep the jump
 * link proven.  A dead jump link is seen by the target session as
 * silence (its own io_timeout_ms), which shuts its end, which ends this.
 */
static void *
pump_main(void *arg)
{
	struct jmx_ssh *ssh = arg, *js = ssh->jump;
	LIBSSH2_CHANNEL *ch = ssh->tunnel;
	struct pipebuf *up, *down;
	struct pollfd pfd[2];
	enum { NONE, WRITE, READ } pending = NONE;
	int fd = ssh->pump_fd, dirs, moved, ch_eof = 0, fd_eof = 0, next;
	ssize_t n;

	up = xcalloc(1, sizeof *up);	/* socketpair -> channel */
	down = xcalloc(1, sizeof *down);	/* channel -> socketpair */
	for (;;) {
		moved = 0;
		dirs = 0;
		/* To the channel. */
		if (up->off < up->len && pending != READ) {
			n = libssh2_channel_write(ch, up->data + up->off,
			    up->len - up->off);
			pending = NONE;
			if (n > 0) {
				up->off += (size_t)n;
				moved = 1;
			} else if (n == LIBSSH2_ERROR_EAGAIN || n == 0) {
				dirs |= libssh2_session_block_directions(js->s);
				if (dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND)
					pending = WRITE;
			} else
				break;
		}
		/* From the channel. */
		if (down->off == down->len && !ch_eof && pending != WRITE) {
			down->off = down->len = 0;
			n = libssh2_channel_read(ch, down->data, PUMP_BUF);
			pending = NONE;
			if (n > 0) {
				down->len = (size_t)n;
				moved = 1;
			} else if (n == LIBSSH2_ERROR_EAGAIN) {
				dirs |= libssh2_session_block_directions(js->s);
				if (dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND)
					pending = READ;
			} else if (n < 0)
				break;
			if (libssh2_channel_eof(ch) == 1 && n <= 0)
				ch_eof = 1;
		}
		/* To the socketpair. */
		pfd[1].fd = fd;
		pfd[1].events = 0;
		if (down->off < down->len) {
			n = write(fd, down->data + down->off,
			    down->len - down->off);
			if (n > 0) {
				down->off += (size_t)n;
				moved = 1;
			} else if (n == -1 && errno == EAGAIN)
				pfd[1].events |= POLLOUT;
			else
				break;
		}
		if (ch_eof && down->off == down->len)
			break;		/* the target hung up */
		/* From the socketpair. */
		if (up->off == up->len && !fd_eof) {
			up->off = up->len = 0;
			n = read(fd, up->data, PUMP_BUF);
			if (n > 0) {
				up->len = (size_t)n;
				moved = 1;
			} else if (n == -1 && errno == EAGAIN)
				pfd[1].events |= POLLIN;
			else if (n == -1 && errno == EINTR)
				moved = 1;
			else
				fd_eof = 1;
		}
		if (fd_eof && up->off == up->len)
			break;		/* the session is closed */
		if (moved)
			continue;
		/* Nothing moved: wait for either side, a keepalive apart. */
		next = 0;
		if (!(dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND) &&
		    keepalive_send(js, &next) != 0)
			break;
		/* Not input while the bytes read cannot be passed on: the
		 * socket would stay readable and the loop spin. */
		pfd[0].fd = js->fd;
		pfd[0].events = 0;
		if ((dirs & LIBSSH2_SESSION_BLOCK_INBOUND) ||
		    (down->off == down->len && !ch_eof))
			pfd[0].events |= POLLIN;
		if (dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND)
			pfd[0].events |= POLLOUT;
		pfd[0].revents = pfd[1].revents = 0;
		if (poll(pfd, 2, 1000) == -1 && errno != EINTR)
			break;
	}
	/* Either side gone: the other learns it at once. */
	shutdown(fd, SHUT_RDWR);
	if (js->io_ms > CLOSE_MS)
		js->io_ms = CLOSE_MS;
	if (!fd_eof)
		kill_link(js);	/* the jump link failed: do not linger */
	channel_free(js, ch);
	jmx_ssh_close(js);
	free(up);
	free(down);
	return NULL;
}

/* --- commands ------------------------------------------------------ */

static enum jmx_code
channel_open(struct jmx_ssh *ssh, LIBSSH2_CHANNEL **chp, int64_t *dl,
    struct jmx_err *err)
{
	enum jmx_code code;
	int rc;

	while ((*chp = libssh2_channel_open_session(ssh->s)) == NULL) {
		rc = libssh2_session_last_errno(ssh->s);
		if (rc != LIBSSH2_ERROR_EAGAIN)
			return channel_failed(ssh, rc, "open channel", err);
		code = ssh_wait(ssh, DIRS_LIBSSH2, dl, "open channel", err);
		if (code != JMX_OK)
			return code;
	}
	return JMX_OK;
}

/*
 * A command's I/O.  Each round takes the steps in turn: write stdin, send
 * EOF after it, read stdout, read stderr.
 */
enum exec_step { STEP_STDIN, STEP_EOF, STEP_STDOUT, STEP_STDERR, NSTEPS };

struct exec {
	LIBSSH2_CHANNEL	*ch;
	const char	*in;		/* stdin, or NULL */
	size_t		 inlen;
	size_t		 sent;
	int		 in_done;	/* all of stdin sent, or refused */
	int		 eof_sent;
	int		 progress;	/* bytes moved this round */
	struct jmx_buf	*out;
	struct jmx_buf	*errout;	/* NULL: discard */
	char		 buf[EXEC_BUF];
};

/* Take one step: 0, LIBSSH2_ERROR_EAGAIN, or another libssh2 error. */
static int
exec_step(struct exec *x, int step)
{
	struct jmx_buf *dst;
	ssize_t n;

	switch (step) {
	case STEP_STDIN:
		if (x->in_done)
			return 0;
		n = libssh2_channel_write(x->ch, x->in + x->sent,
		    x->inlen - x->sent);
		if (n == LIBSSH2_ERROR_CHANNEL_CLOSED ||
		    n == LIBSSH2_ERROR_CHANNEL_EOF_SENT) {
			x->in_done = 1;	/* the command stopped reading */
			return 0;
		}
		if (n == 0)
			return LIBSSH2_ERROR_EAGAIN;	/* window full */
		if (n < 0)
			return (int)n;
		x->sent += (size_t)n;
		x->in_done = x->sent == x->inlen;
		x->progress = 1;
		return 0;
	case STEP_EOF:
		if (!x->in_done || x->eof_sent)
			return 0;
		n = libssh2_channel_send_eof(x->ch);
		if (n != 0 && n != LIBSSH2_ERROR_CHANNEL_CLOSED)
			return (int)n;
		x->eof_sent = 1;
		x->progress = 1;
		return 0;
	default:
		/* Drain what has come. */
		dst = step == STEP_STDOUT ? x->out : x->errout;
		while ((n = libssh2_channel_read_ex(x->ch, step == STEP_STDOUT ?
		    0 : SSH_EXTENDED_DATA_STDERR, x->buf, sizeof x->buf)) > 0) {
			if (dst != NULL)
				jmx_buf_add(dst, x->buf, (size_t)n);
			x->progress = 1;
		}
		return (int)n;
	}
}

enum jmx_code
jmx_ssh_exec(struct jmx_ssh *ssh, const char *cmd, const void *in,
    size_t inlen, struct jmx_buf *out, struct jmx_buf *errout,
    int *exit_status, struct jmx_err *err)
{
	struct exec *x;
	enum jmx_code code;
	char *sig = NULL;
	size_t siglen = 0;
	int64_t dl;
	int step, pending = -1, dirs, rc;

	*exit_status = -1;
	if ((code = usable(ssh, err)) != JMX_OK)
		return code;
	x = xcalloc(1, sizeof *x);
	x->in = in;
	x->inlen = inlen;
	x->in_done = in == NULL || inlen == 0;
	x->out = out;
	x->errout = errout;
	dl = jmx_mono_ms() + ssh->io_ms;
	if ((code = channel_open(ssh, &x->ch, &dl, err)) != JMX_OK) {
		free(x);
		return code;
	}
	while ((rc = libssh2_channel_exec(x->ch, cmd)) == LIBSSH2_ERROR_EAGAIN)
		if ((code = ssh_wait(ssh, DIRS_LIBSSH2, &dl, "exec", err)) !=
		    JMX_OK)
			goto done;
	if (rc != 0) {
		code = channel_failed(ssh, rc, "exec", err);
		goto done;
	}

	for (;;) {
		x->progress = 0;
		dirs = 0;
		step = pending >= 0 ? pending : STEP_STDIN;
		for (pending = -1; step < NSTEPS && pending < 0; step++) {
			rc = exec_step(x, step);
			if (rc == LIBSSH2_ERROR_EAGAIN) {
				dirs |= libssh2_session_block_directions(
				    ssh->s);
				/* Half a packet is out: this step must be
				 * repeated before any other. */
				if (dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND)
					pending = step;
			} else if (rc < 0) {
				code = lost(ssh, "exec", err);
				goto done;
			}
		}
		if (pending < 0 && x->progress) {
			dl = jmx_mono_ms() + ssh->io_ms;
			continue;
		}
		if (pending < 0 && libssh2_channel_eof(x->ch) == 1)
			break;
		if ((code = ssh_wait(ssh, dirs, &dl, "exec", err)) != JMX_OK)
			goto done;
	}

	/* The exit status comes before the server's close, maybe after EOF. */
	while ((rc = libssh2_channel_wait_closed(x->ch)) ==
	    LIBSSH2_ERROR_EAGAIN)
		if ((code = ssh_wait(ssh, DIRS_LIBSSH2, &dl, "exec", err)) !=
		    JMX_OK)
			goto done;
	if (rc != 0) {
		code = lost(ssh, "exec", err);
		goto done;
	}
	if (libssh2_channel_get_exit_signal(x->ch, &sig, &siglen, NULL, NULL,
	    NULL, NULL) == 0 && sig != NULL) {
		jmx_err_set(err, JMX_OK, "ssh %s: exec: killed by signal %.*s",
		    ssh->name, (int)siglen, sig);
		libssh2_free(ssh->s, sig);
	} else
		*exit_status = libssh2_channel_get_exit_status(x->ch);
	code = JMX_OK;

done:
	channel_free(ssh, x->ch);
	free(x);
	return code;
}

/*
 * One round trip to prove the link: an SFTP stat if SFTP is running, else
 * a channel opened and closed.  libssh2_keepalive_send() cannot tell: it
 * only queues a packet and the reply is never waited for (and it stays
 * in libssh2's queue, so none is sent here).
 */
enum jmx_code
jmx_ssh_keepalive(struct jmx_ssh *ssh, struct jmx_err *err)
{
	LIBSSH2_SFTP_ATTRIBUTES a;
	LIBSSH2_CHANNEL *ch;
	enum jmx_code code;
	int64_t dl;
	int rc;

	if ((code = usable(ssh, err)) != JMX_OK)
		return code;
	dl = jmx_mono_ms() + ssh->io_ms;
	if (ssh->sftp != NULL) {
		while ((rc = libssh2_sftp_stat_ex(ssh->sftp, "/", 1,
		    LIBSSH2_SFTP_STAT, &a)) == LIBSSH2_ERROR_EAGAIN)
			if ((code = ssh_wait(ssh, DIRS_LIBSSH2, &dl,
			    "keepalive", err)) != JMX_OK)
				return code;
		/* Any answer, even an error status, is a live server. */
		if (rc != 0 && rc != LIBSSH2_ERROR_SFTP_PROTOCOL)
			return lost(ssh, "keepalive", err);
		return JMX_OK;
	}
	code = channel_open(ssh, &ch, &dl, err);
	if (code == JMX_ERR_REMOTE)
		return JMX_OK;	/* refused, but it answered */
	if (code != JMX_OK)
		return code;
	channel_free(ssh, ch);
	return usable(ssh, err);
}

int
jmx_ssh_keepalives_sent(const struct jmx_ssh *ssh)
{
	return ssh->ka_sent;
}

/* --- files --------------------------------------------------------- */

/*
 * Ready for an SFTP request: the link usable, *dl the request's
 * deadline, the SFTP session started.
 */
static enum jmx_code
sftp_start(struct jmx_ssh *ssh, int64_t *dl, struct jmx_err *err)
{
	enum jmx_code code;
	int rc;

	if ((code = usable(ssh, err)) != JMX_OK)
		return code;
	*dl = jmx_mono_ms() + ssh->io_ms;
	while (ssh->sftp == NULL) {
		ssh->sftp = libssh2_sftp_init(ssh->s);
		if (ssh->sftp != NULL)
			break;
		rc = libssh2_session_last_errno(ssh->s);
		if (rc != LIBSSH2_ERROR_EAGAIN)
			return channel_failed(ssh, rc, "start sftp", err);
		if ((code = ssh_wait(ssh, DIRS_LIBSSH2, dl, "start sftp",
		    err)) != JMX_OK)
			return code;
	}
	return JMX_OK;
}

static enum jmx_code
sftp_open(struct jmx_ssh *ssh, const char *path, unsigned long flags,
    long mode, LIBSSH2_SFTP_HANDLE **hp, int64_t *dl, const char *what,
    struct jmx_err *err)
{
	enum jmx_code code;
	int rc;

	while ((*hp = libssh2_sftp_open_ex(ssh->sftp, path,
	    (unsigned int)strlen(path), flags, mode, LIBSSH2_SFTP_OPENFILE)) ==
	    NULL) {
		rc = libssh2_session_last_errno(ssh->s);
		if (rc != LIBSSH2_ERROR_EAGAIN)
			return sftp_failed(ssh, rc, what, err);
		if ((code = ssh_wait(ssh, DIRS_LIBSSH2, dl, what, err)) !=
		    JMX_OK)
			return code;
	}
	return JMX_OK;
}

enum jmx_code
jmx_ssh_upload(struct jmx_ssh *ssh, const void *data, size_t len,
    const char *path, int mode, struct jmx_err *err)
{
	LIBSSH2_SFTP_ATTRIBUTES a;
	LIBSSH2_SFTP_HANDLE *h;
	enum jmx_code code;
	const char *p = data;
	char what[256];
	size_t off = 0;
	ssize_t n;
	int64_t dl;
	int rc;

	snprintf(what, sizeof what, "upload '%s'", path);
	if ((code = sftp_start(ssh, &dl, err)) != JMX_OK)
		return code;
	code = sftp_open(ssh, path, LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT |
	    LIBSSH2_FXF_TRUNC, mode & 07777, &h, &dl, what, err);
	if (code != JMX_OK)
		return code;

	/* The mode exactly, whatever the server's umask or an old file's. */
	memset(&a, 0, sizeof a);
	a.flags = LIBSSH2_SFTP_ATTR_PERMISSIONS;
	a.permissions = (unsigned long)(mode & 07777);
	while ((rc = libssh2_sftp_fsetstat(h, &a)) == LIBSSH2_ERROR_EAGAIN)
		if ((code = ssh_wait(ssh, DIRS_LIBSSH2, &dl, what, err)) !=
		    JMX_OK)
			goto out;
	if (rc != 0) {
		code = sftp_failed(ssh, rc, what, err);
		goto out;
	}
	while (off < len) {
		n = libssh2_sftp_write(h, p + off, len - off);
		if (n == LIBSSH2_ERROR_EAGAIN) {
			if ((code = ssh_wait(ssh, DIRS_LIBSSH2, &dl, what,
			    err)) != JMX_OK)
				goto out;
		} else if (n < 0) {
			code = sftp_failed(ssh, (int)n, what, err);
			goto out;
		} else
			off += (size_t)n;
	}
	/* The close reports write errors the server noticed late. */
	while ((rc = libssh2_sftp_close_handle(h)) == LIBSSH2_ERROR_EAGAIN)
		if ((code = ssh_wait(ssh, DIRS_LIBSSH2, &dl, what, err)) !=
		    JMX_OK) {
			handle_close(ssh, h);	/* dead: frees at once */
			return code;
		}
	if (rc != 0)
		return sftp_failed(ssh, rc, what, err);
	log_debug("%s: uploaded %zu bytes to '%s'", ssh->name, len, path);
	return JMX_OK;

out:
	handle_close(ssh, h);
	return code;
}

enum jmx_code
jmx_ssh_rename(struct jmx_ssh *ssh, const char *from, const char *to,
    struct jmx_err *err)
{
	enum jmx_code code;
	char what[256];
	int64_t dl;
	int rc;

	snprintf(what, sizeof what, "rename '%s'", from);
	if ((code = sftp_start(ssh, &dl, err)) != JMX_OK)
		return code;
	while ((rc = libssh2_sftp_rename_ex(ssh->sftp, from,
	    (unsigned int)strlen(from), to, (unsigned int)strlen(to),
	    LIBSSH2_SFTP_RENAME_ATOMIC | LIBSSH2_SFTP_RENAME_NATIVE)) ==
	    LIBSSH2_ERROR_EAGAIN)
		if ((code = ssh_wait(ssh, DIRS_LIBSSH2, &dl, what, err)) !=
		    JMX_OK)
			return code;
	return rc != 0 ? sftp_failed(ssh, rc, what, err) : JMX_OK;
}

enum jmx_code
jmx_ssh_download(struct jmx_ssh *ssh, const char *path, struct jmx_buf *out,
    struct jmx_err *err)
{
	LIBSSH2_SFTP_HANDLE *h;
	enum jmx_code code;
	char what[256];
	ssize_t n;
	int64_t dl;

	snprintf(what, sizeof what, "download '%s'", path);
	if ((code = sftp_start(ssh, &dl, err)) != JMX_OK)
		return code;
	if ((code = sftp_open(ssh, path, LIBSSH2_FXF_READ, 0, &h, &dl, what,
	    err)) != JMX_OK)
		return code;
	rbuf_need(ssh, 65536);
	for (;;) {
		n = libssh2_sftp_read(h, ssh->rbuf, 65536);
		if (n == 0)
			break;
		if (n == LIBSSH2_ERROR_EAGAIN) {
			if ((code = ssh_wait(ssh, DIRS_LIBSSH2, &dl, what,
			    err)) != JMX_OK)
				break;
		} else if (n < 0) {
			code = sftp_failed(ssh, (int)n, what, err);
			break;
		} else
			jmx_buf_add(out, ssh->rbuf, (size_t)n);
	}
	handle_close(ssh, h);
	return code;
}

/* The kept-open file for path, or NULL. */
static struct tail *
tail_find(struct jmx_ssh *ssh, const char *path)
{
	int i;

	for (i = 0; i < NTAIL; i++)
		if (ssh->tails[i].path != NULL &&
		    strcmp(ssh->tails[i].path, path) == 0)
			return &ssh->tails[i];
	return NULL;
}

/* A free slot, made by closing the least recently used file if need be. */
static struct tail *
tail_slot(struct jmx_ssh *ssh)
{
	struct tail *t = &ssh->tails[0];
	int i;

	for (i = 0; i < NTAIL; i++) {
		if (ssh->tails[i].path == NULL)
			return &ssh->tails[i];
		if (ssh->tails[i].used < t->used)
			t = &ssh->tails[i];
	}
	tail_drop(ssh, t);
	return t;
}

/* Do two sets of attributes describe the same, unchanged file? */
static int
same_file(const LIBSSH2_SFTP_ATTRIBUTES *a, const LIBSSH2_SFTP_ATTRIBUTES *b)
{
	if ((a->flags & LIBSSH2_SFTP_ATTR_SIZE) !=
	    (b->flags & LIBSSH2_SFTP_ATTR_SIZE) || a->filesize != b->filesize)
		return 0;
	if ((a->flags & b->flags & LIBSSH2_SFTP_ATTR_ACMODTIME) &&
	    a->mtime != b->mtime)
		return 0;
	if ((a->flags & b->flags & LIBSSH2_SFTP_ATTR_UIDGID) &&
	    (a->uid != b->uid || a->gid != b->gid))
		return 0;
	if ((a->flags & b->flags & LIBSSH2_SFTP_ATTR_PERMISSIONS) &&
	    a->permissions != b->permissions)
		return 0;
	return 1;
}

/*
 * Read n bytes at offset through the kept-open handle, asking the server
 * for those bytes and no more.  libssh2 1.10's sftp_read() requests up to
 * 4 times the buffer it is given minus what is outstanding, in chunks of
 * 30000 bytes but none smaller than the buffer: given n at once it would
 * ask for 3n more, and while a backlog is read the server would send (and
 * we would throw away) up to three times too much.  So each batch is
 * whole chunks (or one chunk for a short rest), asked for by a buffer of
 * a quarter of it, and is consumed with buffers no bigger than a quarter
 * of what is outstanding, for which libssh2 asks nothing new.  Modelled
 * on libssh2's code, this asks for at most 3 bytes too many.
 */
#define SFTP_CHUNK	30000		/* libssh2 MAX_SFTP_READ_SIZE */
#define SFTP_BATCH	(140 * SFTP_CHUNK) /* below libssh2's 8 MB cap */

static ssize_t
tail_read(struct jmx_ssh *ssh, struct tail *t, uint64_t offset, size_t n,
    int64_t *dl, const char *what, struct jmx_err *err, enum jmx_code *codep)
{
	size_t got = 0, asked = 0, rem, bs = 0;
	ssize_t r;

	rbuf_need(ssh, n);
	libssh2_sftp_seek64(t->h, offset);
	while (got < n) {
		if (bs == 0) {
			rem = n - got;
			if (asked <= got) {
				if (rem > SFTP_BATCH)
					rem = SFTP_BATCH;
				if (rem > SFTP_CHUNK)
					bs = (rem - rem % SFTP_CHUNK) / 4;
				else
					bs = (rem + 3) / 4;
				asked = got + 4 * bs;
			} else if ((bs = (asked - got) / 4) == 0)
				bs = 1;
		}
		r = libssh2_sftp_read(t->h, ssh->rbuf + got, bs);
		if (r == LIBSSH2_ERROR_EAGAIN) {
			/* Same arguments again, as libssh2 wants. */
			*codep = ssh_wait(ssh, DIRS_LIBSSH2, dl, what, err);
			if (*codep != JMX_OK)
				return -1;
			continue;
		}
		if (r < 0) {
			*codep = sftp_failed(ssh, (int)r, what, err);
			return -1;
		}
		if (r == 0)
			break;		/* shrank under us */
		got += (size_t)r;
		bs = 0;
	}
	return (ssize_t)got;
}

enum jmx_code
jmx_ssh_read_at(struct jmx_ssh *ssh, const char *path, uint64_t offset,
    size_t max, struct jmx_buf *out, uint64_t *file_size, struct jmx_err *err)
{
	LIBSSH2_SFTP_ATTRIBUTES fa, pa;
	struct tail *t;
	enum jmx_code code;
	char what[256];
	uint64_t size;
	ssize_t got;
	size_t n;
	int64_t dl;
	int rc, fresh = 0;

	snprintf(what, sizeof what, "read '%s'", path);
	if ((code = sftp_start(ssh, &dl, err)) != JMX_OK)
		return code;
	t = tail_find(ssh, path);
	for (;;) {
		if (t == NULL) {
			t = tail_slot(ssh);
			code = sftp_open(ssh, path, LIBSSH2_FXF_READ, 0, &t->h,
			    &dl, what, err);
			if (code != JMX_OK) {
				t->h = NULL;
				return code;
			}
			t->path = xstrdup(path);
			fresh = 1;
		}
		t->used = ++ssh->stamp;
		while ((rc = libssh2_sftp_fstat(t->h, &fa)) ==
		    LIBSSH2_ERROR_EAGAIN)
			if ((code = ssh_wait(ssh, DIRS_LIBSSH2, &dl, what,
			    err)) != JMX_OK)
				return code;
		if (rc != 0)
			goto fail;
		if (!(fa.flags & LIBSSH2_SFTP_ATTR_SIZE)) {
			code = jmx_err_set(err, JMX_ERR_REMOTE,
			    "ssh %s: %s: the server gives no file size",
			    ssh->name, what);
			tail_drop(ssh, t);
			return code;
		}
		if (fresh || fa.filesize > offset)
			break;
		/*
		 * Nothing new through the open file: has the path got a new
		 * file meanwhile (a new run, a rotated log)?  The old one
		 * stays open while it has unread bytes.
		 */
		while ((rc = libssh2_sftp_stat_ex(ssh->sftp, path,
		    (unsigned int)strlen(path), LIBSSH2_SFTP_STAT, &pa)) ==
		    LIBSSH2_ERROR_EAGAIN)
			if ((code = ssh_wait(ssh, DIRS_LIBSSH2, &dl, what,
			    err)) != JMX_OK)
				return code;
		if (rc != 0)
			goto fail;
		if (same_file(&fa, &pa))
			break;
		tail_drop(ssh, t);
		t = NULL;
	}
	size = fa.filesize;
	if (file_size != NULL)
		*file_size = size;
	if (size <= offset || max == 0)
		return JMX_OK;
	n = size - offset > max ? max : (size_t)(size - offset);
	got = tail_read(ssh, t, offset, n, &dl, what, err, &code);
	if (got < 0) {
		if (code != JMX_ERR_TIMEOUT && code != JMX_ERR_SSH)
			tail_drop(ssh, t);
		return code;
	}
	jmx_buf_add(out, ssh->rbuf, (size_t)got);
	return JMX_OK;

fail:
	code = sftp_failed(ssh, rc, what, err);
	tail_drop(ssh, t);
	return code;
}

/* --- small file operations for locks --------------------------------- */

/* One SFTP request on a path: stat, set its times, or unlink it. */
enum sftp_op { OP_STAT, OP_TOUCH, OP_UNLINK };

static enum jmx_code
path_op(struct jmx_ssh *ssh, enum sftp_op op, const char *path,
    int64_t *mtime_s, struct jmx_err *err)
{
	static const char *const verbs[] = { "stat", "touch", "remove" };
	LIBSSH2_SFTP_ATTRIBUTES a;
	enum jmx_code code;
	char what[256];
	int64_t dl;
	int rc;

	snprintf(what, sizeof what, "%s '%s'", verbs[op], path);
	if ((code = sftp_start(ssh, &dl, err)) != JMX_OK)
		return code;
	memset(&a, 0, sizeof a);
	if (op == OP_TOUCH) {
		a.flags = LIBSSH2_SFTP_ATTR_ACMODTIME;
		a.atime = a.mtime = (unsigned long)*mtime_s;
	}
	for (;;) {
		if (op == OP_UNLINK)
			rc = libssh2_sftp_unlink_ex(ssh->sftp, path,
			    (unsigned int)strlen(path));
		else
			rc = libssh2_sftp_stat_ex(ssh->sftp, path,
			    (unsigned int)strlen(path), op == OP_STAT ?
			    LIBSSH2_SFTP_STAT : LIBSSH2_SFTP_SETSTAT, &a);
		if (rc != LIBSSH2_ERROR_EAGAIN)
			break;
		if ((code = ssh_wait(ssh, DIRS_LIBSSH2, &dl, what, err)) !=
		    JMX_OK)
			return code;
	}
	if (rc != 0)
		return sftp_failed(ssh, rc, what, err);
	if (op == OP_STAT)
		*mtime_s = (a.flags & LIBSSH2_SFTP_ATTR_ACMODTIME) ?
		    (int64_t)a.mtime : 0;
	return JMX_OK;
}

enum jmx_code
jmx_ssh_mtime(struct jmx_ssh *ssh, const char *path, int64_t *mtime_s,
    struct jmx_err *err)
{
	return path_op(ssh, OP_STAT, path, mtime_s, err);
}

enum jmx_code
jmx_ssh_touch(struct jmx_ssh *ssh, const char *path, int64_t mtime_s,
    struct jmx_err *err)
{
	return path_op(ssh, OP_TOUCH, path, &mtime_s, err);
}

enum jmx_code
jmx_ssh_unlink(struct jmx_ssh *ssh, const char *path, struct jmx_err *err)
{
	return path_op(ssh, OP_UNLINK, path, NULL, err);
}

void
jmx_ssh_hostkey_id(struct jmx_ssh *ssh, char *out, size_t len)
{
	const unsigned char *h;
	size_t i, o = 0;

	h = (const unsigned char *)libssh2_hostkey_hash(ssh->s,
	    LIBSSH2_HOSTKEY_HASH_SHA256);
	for (i = 0; h != NULL && i < 8 && o + 3 <= len; i++, o += 2)
		snprintf(out + o, 3, "%02x", h[i]);
	if (len > 0)
		out[o] = '\0';
}
