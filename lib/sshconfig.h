/*
 * sshconfig.h: the part of ssh_config(5) jmx follows, so an agent's host
 * may name a Host of ~/.ssh/config as ssh(1) would.
 *
 * Read: Host blocks (patterns with * and ?, negated with !), HostName,
 * User, Port, IdentityFile (the first one) and ProxyJump (one hop,
 * [user@]host[:port], or "none").  As in OpenSSH the first value found
 * for a keyword wins, and keywords before the first Host apply to every
 * host.  Match blocks are skipped (never apply) and Include is ignored;
 * every other keyword is read past.  A pure parser: no network, no
 * environment besides what jmx_sshconf_expand() is given.
 */
#ifndef JMX_SSHCONFIG_H
#define JMX_SSHCONFIG_H

#include "err.h"

/* What a host's blocks say; NULL or 0 where they say nothing. */
struct jmx_sshconf {
	char	*hostname;	/* HostName, tokens not expanded */
	char	*user;		/* User */
	int	 port;		/* Port */
	char	*identity_file;	/* IdentityFile (first), not expanded */
	char	*proxy_jump;	/* ProxyJump, NULL for none */
};

/*
 * Fill out (cleared first; free with jmx_sshconf_clear) with what the
 * text (name: the file, for messages) says about host.  A bad line is
 * JMX_ERR_CONFIG "NAME:LINE: ...".
 */
enum jmx_code	jmx_sshconf_parse(const char *text, const char *name,
		    const char *host, struct jmx_sshconf *out,
		    struct jmx_err *);
/* The same from the file at path; a missing file says nothing (JMX_OK). */
enum jmx_code	jmx_sshconf_load(const char *path, const char *host,
		    struct jmx_sshconf *out, struct jmx_err *);
void		jmx_sshconf_clear(struct jmx_sshconf *);

/*
 * Split a ProxyJump value "[user@]host[:port]" into *user (NULL if none),
 * *host and *port (0 if none), allocated.  A chain ("a,b") is
 * JMX_ERR_UNSUPPORTED.
 */
enum jmx_code	jmx_sshconf_jump(const char *spec, char **user, char **host,
		    int *port, struct jmx_err *);

/*
 * Expand a leading ~ (home) and the tokens %h (host), %u (local user),
 * %r (remote user), %d (home) and %% in s; returns an allocated string.
 */
char		*jmx_sshconf_expand(const char *s, const char *home,
		    const char *host, const char *local_user,
		    const char *remote_user);

/* Does host match the pattern list ("a* !b?c")?  Case-insensitive. */
int		 jmx_sshconf_match(const char *patterns, const char *host);

#endif
