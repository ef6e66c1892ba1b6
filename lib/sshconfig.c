/*
 * sshconfig.c: the ssh_config(5) subset of sshconfig.h.
 *
 * Lines are read as OpenSSH reads them: a keyword (any case), then
 * whitespace or "=", then arguments, which may be double-quoted.  A Host
 * line starts a block that applies when any of its patterns matches and
 * none of its negated ones does; a Match line starts one that jmx never
 * applies (it cannot evaluate exec, canonical and the rest), so values
 * there are never taken by mistake.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sshconfig.h"
#include "util.h"
#include "xmalloc.h"

void
jmx_sshconf_clear(struct jmx_sshconf *c)
{
	if (c == NULL)
		return;
	free(c->hostname);
	free(c->user);
	free(c->identity_file);
	free(c->proxy_jump);
	memset(c, 0, sizeof *c);
}

/* Glob match of one pattern (* and ?), case-insensitive. */
static int
glob(const char *p, const char *s)
{
	for (; *p != '\0'; p++, s++) {
		if (*p == '*') {
			while (p[1] == '*')
				p++;
			if (p[1] == '\0')
				return 1;
			for (; *s != '\0'; s++)
				if (glob(p + 1, s))
					return 1;
			return 0;
		}
		if (*s == '\0')
			return 0;
		if (*p != '?' && tolower((unsigned char)*p) !=
		    tolower((unsigned char)*s))
			return 0;
	}
	return *s == '\0';
}

int
jmx_sshconf_match(const char *patterns, const char *host)
{
	char pat[256];
	const char *p = patterns;
	size_t n;
	int hit = 0, neg;

	while (*p != '\0') {
		p += strspn(p, " \t,");
		n = strcspn(p, " \t,");
		if (n == 0)
			break;
		neg = *p == '!';
		snprintf(pat, sizeof pat, "%.*s", (int)(n - (size_t)neg),
		    p + neg);
		if (glob(pat, host)) {
			if (neg)
				return 0;	/* a negated match vetoes */
			hit = 1;
		}
		p += n;
	}
	return hit;
}

/*
 * The next argument of a line, unquoted in place, or NULL at the end.
 * *bad is set for an unterminated quote.
 */
static char *
next_arg(char **pp, int *bad)
{
	char *p = *pp, *start, *q;

	p += strspn(p, " \t");
	if (*p == '\0')
		return NULL;
	if (*p == '"') {
		start = ++p;
		if ((q = strchr(p, '"')) == NULL) {
			*bad = 1;
			return NULL;
		}
		*q = '\0';
		*pp = q + 1;
		return start;
	}
	start = p;
	p += strcspn(p, " \t");
	if (*p != '\0')
		*p++ = '\0';
	*pp = p;
	return start;
}

/* Take a value unless an earlier block gave it already. */
static void
take(char **dst, const char *v)
{
	if (*dst == NULL)
		*dst = xstrdup(v);
}

/* One line; 0, or -1 with err filled.  *state: 0 skip, 1 apply. */
static int
line(char *s, const char *name, int lineno, const char *host, int *state,
    struct jmx_sshconf *c, struct jmx_err *err)
{
	char *kw, *arg, *rest, *end;
	int bad = 0;
	long v;

	s += strspn(s, " \t");
	if (*s == '\0' || *s == '#')
		return 0;
	kw = s;
	s += strcspn(s, " \t=");
	if (*s != '\0') {
		*s++ = '\0';
		s += strspn(s, " \t");
		if (*s == '=')
			s++;
	}
	rest = s;
	if (strcasecmp(kw, "Host") == 0) {
		*state = jmx_sshconf_match(rest, host);
		return 0;
	}
	if (strcasecmp(kw, "Match") == 0) {
		*state = 0;
		return 0;
	}
	if (!*state)
		return 0;
	arg = next_arg(&rest, &bad);
	if (bad) {
		jmx_err_set(err, JMX_ERR_CONFIG, "%s:%d: unterminated quote "
		    "in '%s'", name, lineno, kw);
		return -1;
	}
	if (arg == NULL) {
		if (strcasecmp(kw, "HostName") == 0 ||
		    strcasecmp(kw, "User") == 0 ||
		    strcasecmp(kw, "Port") == 0 ||
		    strcasecmp(kw, "IdentityFile") == 0 ||
		    strcasecmp(kw, "ProxyJump") == 0) {
			jmx_err_set(err, JMX_ERR_CONFIG, "%s:%d: '%s' needs "
			    "a value", name, lineno, kw);
			return -1;
		}
		return 0;
	}
	if (strcasecmp(kw, "HostName") == 0)
		take(&c->hostname, arg);
	else if (strcasecmp(kw, "User") == 0)
		take(&c->user, arg);
	else if (strcasecmp(kw, "IdentityFile") == 0)
		take(&c->identity_file, arg);
	else if (strcasecmp(kw, "ProxyJump") == 0) {
		/* "none" counts as a value: it stops later blocks. */
		take(&c->proxy_jump, arg);
	} else if (strcasecmp(kw, "Port") == 0) {
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno != 0 || *end != '\0' || v < 1 || v > 65535) {
			jmx_err_set(err, JMX_ERR_CONFIG, "%s:%d: Port must be "
			    "from 1 to 65535, got '%s'", name, lineno, arg);
			return -1;
		}
		if (c->port == 0)
			c->port = (int)v;
	}
	return 0;
}

enum jmx_code
jmx_sshconf_parse(const char *text, const char *name, const char *host,
    struct jmx_sshconf *c, struct jmx_err *err)
{
	char *copy, *s, *nl;
	int lineno = 0, state = 1;

	memset(c, 0, sizeof *c);
	copy = xstrdup(text);
	for (s = copy; s != NULL; s = nl) {
		if ((nl = strchr(s, '\n')) != NULL)
			*nl++ = '\0';
		s[strcspn(s, "\r")] = '\0';
		lineno++;
		if (line(s, name, lineno, host, &state, c, err) == -1) {
			free(copy);
			jmx_sshconf_clear(c);
			return err != NULL ? err->code : JMX_ERR_CONFIG;
		}
	}
	free(copy);
	if (c->proxy_jump != NULL && strcasecmp(c->proxy_jump, "none") == 0) {
		free(c->proxy_jump);
		c->proxy_jump = NULL;
	}
	return JMX_OK;
}

enum jmx_code
jmx_sshconf_load(const char *path, const char *host, struct jmx_sshconf *c,
    struct jmx_err *err)
{
	enum jmx_code code;
	char *text = NULL;
	size_t len;

	memset(c, 0, sizeof *c);
	/* Missing is fine; unreadable is said by jmx_read_file. */
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return JMX_OK;
	if ((code = jmx_read_file(path, &text, &len, err)) != JMX_OK)
		return code;
	code = jmx_sshconf_parse(text, path, host, c, err);
	free(text);
	return code;
}

enum jmx_code
jmx_sshconf_jump(const char *spec, char **user, char **host, int *port,
    struct jmx_err *err)
{
	const char *at, *h, *colon;
	char *end;
	long v;

	*user = *host = NULL;
	*port = 0;
	if (strchr(spec, ',') != NULL)
		return jmx_err_set(err, JMX_ERR_UNSUPPORTED,
		    "ProxyJump '%s': only one jump host is supported", spec);
	if (strncmp(spec, "ssh://", 6) == 0)
		spec += 6;
	h = spec;
	if ((at = strrchr(spec, '@')) != NULL) {
		*user = xstrndup(spec, (size_t)(at - spec));
		h = at + 1;
	}
	colon = strrchr(h, ':');
	if (colon != NULL && strchr(h, ']') == NULL) {
		v = strtol(colon + 1, &end, 10);
		if (*end != '\0' || v < 1 || v > 65535) {
			free(*user);
			*user = NULL;
			return jmx_err_set(err, JMX_ERR_CONFIG,
			    "ProxyJump '%s': bad port", spec);
		}
		*port = (int)v;
		*host = xstrndup(h, (size_t)(colon - h));
	} else
		*host = xstrdup(h);
	if (**host == '\0' || (*user != NULL && **user == '\0')) {
		free(*user);
		free(*host);
		*user = *host = NULL;
		return jmx_err_set(err, JMX_ERR_CONFIG,
		    "ProxyJump '%s': expected [user@]host[:port]", spec);
	}
	return JMX_OK;
}

char *
jmx_sshconf_expand(const char *s, const char *home, const char *host,
    const char *luser, const char *ruser)
{
	struct jmx_buf b = { 0 };
	const char *v;

	if (s[0] == '~' && (s[1] == '/' || s[1] == '\0') && home != NULL) {
		jmx_buf_adds(&b, home);
		s++;
	}
	for (; *s != '\0'; s++) {
		if (*s != '%' || s[1] == '\0') {
			jmx_buf_addc(&b, *s);
			continue;
		}
		switch (*++s) {
		case 'h':
			v = host;
			break;
		case 'u':
			v = luser;
			break;
		case 'r':
			v = ruser;
			break;
		case 'd':
			v = home;
			break;
		case '%':
			v = "%";
			break;
		default:
			/* Unknown tokens stay as written. */
			jmx_buf_addc(&b, '%');
			jmx_buf_addc(&b, *s);
			continue;
		}
		jmx_buf_adds(&b, v != NULL ? v : "");
	}
	return jmx_buf_steal(&b);
}
