/*
 * ssh.h: an SSH client over libssh2: connect with strict host key
 * checking and public key authentication, run commands, move small files
 * and tail a growing remote file by byte offset over SFTP.
 *
 * A struct jmx_ssh is one connection, used by one thread at a time (the
 * controller runs one worker thread per agent); different connections may
 * be used from different threads at once.  Every call blocks, but never
 * for longer than io_timeout_ms without hearing from the server, so a
 * partitioned host yields JMX_ERR_TIMEOUT instead of a hang.
 *
 * Errors name the connection: "ssh root@198.18.0.11:22: connection
 * refused".  JMX_ERR_TIMEOUT or JMX_ERR_SSH from a call on an open
 * connection means the connection is dead: every later call fails
 * quickly, so close it and connect again.  JMX_ERR_NOTFOUND and
 * JMX_ERR_REMOTE (no such file, permission denied, channel refused) leave
 * it usable.
 */
#ifndef JMX_SSH_H
#define JMX_SSH_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct jmx_buf;
struct jmx_ssh;

/*
 * How to reach one host; the strings are only read during connect.  host
 * may name a Host of the ssh_config file: its HostName, User, Port,
 * IdentityFile and ProxyJump apply where these fields leave a value
 * unset (NULL or 0); what is given here wins.
 */
struct jmx_ssh_opts {
	const char	*host;		/* agent address or name */
	int		 port;		/* port; <= 0: ssh_config's, or 22 */
	const char	*user;		/* user; NULL: ssh_config's, or
					   root */
	const char	*key;		/* private key path; key.pub is
					   used if present, else libssh2
					   derives the public key.  NULL:
					   ssh_config's IdentityFile, else
					   ssh-agent and ~/.ssh/id_* */
	const char	*ssh_config;	/* NULL: $JMX_SSH_CONFIG, else
					   ~/.ssh/config; "none": none */
	const char	*known_hosts;	/* known_hosts path; NULL means
					   $HOME/.ssh/known_hosts */
	int		 connect_timeout_ms; /* TCP connect; <= 0: 10000 */
	int		 io_timeout_ms;	/* longest silence of the
					   server in any call;
					   <= 0: 30000 */
	int		 keepalive_s;	/* keepalive interval while a
					   call waits; <= 0: 10; at
					   most io_timeout_ms / 3 */
};

/*
 * Connect, check the host key against known_hosts (an unknown or a
 * different key is refused, never added) and authenticate with the key,
 * then with ssh-agent's keys if SSH_AUTH_SOCK is set.  With a ProxyJump,
 * the jump host is connected and checked the same way first (same
 * known_hosts file), and the session runs through a channel it opens
 * (a thread of the connection's own carries the bytes).  On success
 * *sshp is a connection the caller frees with jmx_ssh_close().
 */
enum jmx_code	jmx_ssh_connect(const struct jmx_ssh_opts *,
		    struct jmx_ssh **sshp, struct jmx_err *);
/* Disconnect politely if the link is alive, and free.  NULL is a no-op. */
void		jmx_ssh_close(struct jmx_ssh *);
/* "user@host:port" for messages; borrowed until jmx_ssh_close(). */
const char	*jmx_ssh_host(const struct jmx_ssh *);

/*
 * Run cmd (one shell string; quote arguments with jmx_shquote()).  in
 * (may be NULL) is fed to its stdin, then EOF.  Its stdout is appended to
 * out and its stderr to errout (NULL discards it); both are read as they
 * come, so neither pipe can fill up and block the command.  *exit_status
 * is its exit status, or -1 if it was killed by a signal, in which case
 * the call still returns JMX_OK and err->msg says "killed by signal TERM".
 * A long silent command is fine: keepalives keep the link proven alive.
 */
enum jmx_code	jmx_ssh_exec(struct jmx_ssh *, const char *cmd,
		    const void *in, size_t inlen, struct jmx_buf *out,
		    struct jmx_buf *errout, int *exit_status, struct jmx_err *);

/* Write data to remote_path over SFTP (created or truncated) with mode. */
enum jmx_code	jmx_ssh_upload(struct jmx_ssh *, const void *data,
		    size_t len, const char *remote_path, int mode,
		    struct jmx_err *);
/*
 * Rename from to to over SFTP, atomically.  to must not exist: SFTP's
 * rename (version 3, as OpenSSH speaks it) does not replace a file.
 */
enum jmx_code	jmx_ssh_rename(struct jmx_ssh *, const char *from,
		    const char *to, struct jmx_err *);
/* Append the whole of remote_path to out (meant for small files). */
enum jmx_code	jmx_ssh_download(struct jmx_ssh *, const char *remote_path,
		    struct jmx_buf *out, struct jmx_err *);

/*
 * Tail a growing file: append to out the bytes of remote_path from offset
 * on, at most max, and set *file_size (may be NULL) to its current size.
 * Nothing new appends nothing.  A missing file is JMX_ERR_NOTFOUND.
 * Costs two round trips: the SFTP session and the open file are kept
 * across calls (for a few paths), and the file is reopened when it was
 * replaced.  A size below offset means it was truncated or replaced.
 */
enum jmx_code	jmx_ssh_read_at(struct jmx_ssh *, const char *remote_path,
		    uint64_t offset, size_t max, struct jmx_buf *out,
		    uint64_t *file_size, struct jmx_err *);

/*
 * Prove the link alive now: one round trip (an SFTP stat, or a channel
 * opened and closed).  A dead link gives JMX_ERR_TIMEOUT within
 * io_timeout_ms.
 */
enum jmx_code	jmx_ssh_keepalive(struct jmx_ssh *, struct jmx_err *);

/*
 * Keepalives sent so far.  They go out only after keepalive_s of silence
 * both ways: libssh2 keeps every reply until the session ends.
 */
int		jmx_ssh_keepalives_sent(const struct jmx_ssh *);

/* Set *mtime_s to remote_path's modification time (seconds). */
enum jmx_code	jmx_ssh_mtime(struct jmx_ssh *, const char *remote_path,
		    int64_t *mtime_s, struct jmx_err *);
/* Set remote_path's access and modification times to mtime_s. */
enum jmx_code	jmx_ssh_touch(struct jmx_ssh *, const char *remote_path,
		    int64_t mtime_s, struct jmx_err *);
/* Remove the file remote_path. */
enum jmx_code	jmx_ssh_unlink(struct jmx_ssh *, const char *remote_path,
		    struct jmx_err *);
/*
 * The server's host key as 16 hex digits (the start of its SHA-256):
 * names the host whatever address or user reached it.  "" if unknown.
 */
void		jmx_ssh_hostkey_id(struct jmx_ssh *, char *out, size_t len);

/* The libssh2 version in use, "1.10.0". */
const char	*jmx_ssh_libversion(void);

#endif
