/*
 * config.c: load the YAML inventory and test cases (jmx.conf(5)).
 *
 * The file is read with libyaml's document API, so every node keeps its
 * start mark and each error can name FILE:LINE:COL.  The walk follows the
 * schema, never the document's own shape, so aliases cannot loop it.
 * Internal helpers return 0 or -1; -1 means the error is already set.
 * Errors are collected, not only the first: a loop over independent
 * items (agents, tests, keys of a mapping, thresholds, list entries)
 * notes an item's failure and goes on to the next, so --check can list
 * every mistake at once.  Within one item the first error stops it, as
 * what follows may depend on it.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "compare.h"
#include "config.h"
#include "influx.h"
#include "verdict.h"
#include "util.h"
#include "xmalloc.h"

/* Errors kept per load; more are counted, not kept. */
#define MAXERRS		64

struct ctx {
	const char		*file;	/* path as given, for messages */
	yaml_document_t		*doc;
	struct jmx_config	*cfg;
	/* the errors, in the order found, and where each is */
	struct jmx_err		 errs[MAXERRS];
	unsigned long		 line[MAXERRS], col[MAXERRS];
	int			 nerrs;	/* found, may exceed MAXERRS */
};

/* In a loop over independent items: note a failure, go on. */
#define KEEP(rc, call) do {						\
	if ((call) == -1)						\
		(rc) = -1;						\
} while (0)

static const char *const top_keys[] = {
	"defaults", "agents", "tests", "settings", NULL
};
static const char *const default_keys[] = {
	"user", "port", "key", "known_hosts", "jmeter_home", "java",
	"work_dir", NULL
};
static const char *const agent_keys[] = {
	"name", "host", "port", "user", "key", "known_hosts", "jmeter_home",
	"java", "work_dir", "weight", "max_threads", "tags", "spare", NULL
};
static const char *const test_keys[] = {
	"plan", "threads", "duration", "ramp", "properties", "data", "agents",
	"tag", "setup_on_all", "thresholds", "notify", "regression", "stream",
	NULL
};
static const char *const stream_keys[] = {
	"url", "token_file", "application", "interval", NULL
};
static const char *const data_keys[] = { "file", "split", NULL };
static const char *const threshold_keys[] = {
	"label", "metric", "op", "value", NULL
};
static const char *const settings_keys[] = {
	"failure_timeout", "on_agent_failure", "stop_grace", "deadline_grace",
	"min_free_disk_mb", "threads_per_core", "home", "resume_ramp",
	"stall_timeout", NULL
};

static void free_strv(char **, int);
static int fail(struct ctx *, const yaml_node_t *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct ctx *c, const yaml_node_t *at, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int i = c->nerrs++;

	if (i >= MAXERRS)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	c->line[i] = (unsigned long)at->start_mark.line + 1;
	c->col[i] = (unsigned long)at->start_mark.column + 1;
	jmx_err_set(&c->errs[i], JMX_ERR_CONFIG, "%s:%lu:%lu: %s", c->file,
	    c->line[i], c->col[i], msg);
	return -1;
}

static unsigned long
line_of(const yaml_node_t *n)
{
	return (unsigned long)n->start_mark.line + 1;
}

/* Describe a node for "got ...": a short, one-line, quoted scalar. */
static const char *
got(const yaml_node_t *n, char *buf, size_t len)
{
	const unsigned char *s;
	size_t i, max;

	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	s = n->data.scalar.value;
	max = len < 48 ? len : 48;
	buf[0] = '\'';
	for (i = 0; i + 6 < max && i < n->data.scalar.length; i++)
		buf[i + 1] = s[i] < 0x20 || s[i] == 0x7f ? '?' : (char)s[i];
	if (i < n->data.scalar.length) {
		/* Do not cut a UTF-8 sequence in half. */
		while (i > 0 && (s[i] & 0xc0) == 0x80)
			i--;
		memcpy(buf + i + 1, "...'", 5);
		return buf;
	}
	buf[i + 1] = '\'';
	buf[i + 2] = '\0';
	return buf;
}

#define GOT(n) got((n), gbuf, sizeof gbuf)

static const char *
sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* A plain empty, ~ or null scalar: treated as if the key were absent. */
static int
is_null(const yaml_node_t *n)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	s = sval(n);
	return *s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static yaml_node_t *
node(struct ctx *c, int i)
{
	return yaml_document_get_node(c->doc, i);
}

static int
is_map(struct ctx *c, yaml_node_t *n, const char *what)
{
	char gbuf[64];

	if (n->type == YAML_MAPPING_NODE)
		return 0;
	return fail(c, n, "%s must be a mapping, got %s", what, GOT(n));
}

/*
 * Keys of map must be strings, each at most once and, when keys is not
 * NULL, one of keys.  where reads "in agent 'a1'".
 */
static int
check_keys(struct ctx *c, yaml_node_t *map, const char *where,
    const char *const *keys)
{
	yaml_node_pair_t *p, *q;
	yaml_node_t *k, *k2;
	char gbuf[64], list[256];
	size_t len;
	int i, rc = 0, dup;

	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		k = node(c, p->key);
		if (k->type != YAML_SCALAR_NODE) {
			rc = fail(c, k, "keys %s must be strings, got %s",
			    where, GOT(k));
			continue;
		}
		for (q = map->data.mapping.pairs.start, dup = 0;
		    q < p && !dup; q++) {
			k2 = node(c, q->key);
			if (k2->type == YAML_SCALAR_NODE &&
			    strcmp(sval(k), sval(k2)) == 0)
				dup = fail(c, k, "duplicate key '%s' %s "
				    "(first at line %lu)", sval(k), where,
				    line_of(k2));
		}
		if (dup || keys == NULL) {
			rc |= dup;
			continue;
		}
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(keys[i], sval(k)) == 0)
				break;
		if (keys[i] != NULL)
			continue;
		/* The error path does not allocate. */
		for (i = 0, len = 0; keys[i] != NULL && len < sizeof list;
		    i++)
			len += (size_t)snprintf(list + len, sizeof list - len,
			    "%s%s", i > 0 ? ", " : "", keys[i]);
		rc = fail(c, k, "unknown key %s %s; expected one of: %s",
		    GOT(k), where, list);
	}
	return rc;
}

/* The value for key in map (already checked), or NULL. */
static yaml_node_t *
lookup(struct ctx *c, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++)
		if (node(c, p->key)->type == YAML_SCALAR_NODE &&
		    strcmp(sval(node(c, p->key)), key) == 0)
			return node(c, p->value);
	return NULL;
}

/*
 * The key of a pair p of map as a string; "" for one that is not, or
 * that an earlier pair has too (both reported by check_keys): a key
 * given twice is loaded once, so nothing is loaded over itself.
 */
static const char *
key_of(struct ctx *c, yaml_node_t *map, const yaml_node_pair_t *p)
{
	yaml_node_pair_t *q;
	yaml_node_t *k = node(c, p->key), *k2;

	if (k->type != YAML_SCALAR_NODE)
		return "";
	/* Pairs, not values: an alias makes two values one node. */
	for (q = map->data.mapping.pairs.start; q < p; q++) {
		k2 = node(c, q->key);
		if (k2->type == YAML_SCALAR_NODE &&
		    strcmp(sval(k), sval(k2)) == 0)
			return "";
	}
	return sval(k);
}

static int
get_str(struct ctx *c, const char *key, yaml_node_t *v, char **out)
{
	char gbuf[64];

	if (v->type != YAML_SCALAR_NODE)
		return fail(c, v, "'%s' must be a string, got %s", key,
		    GOT(v));
	if (is_null(v))
		return 0;
	if (*sval(v) == '\0')
		return fail(c, v, "'%s' must not be empty", key);
	free(*out);
	*out = xstrdup(sval(v));
	return 0;
}

/* Names of agents and tests end up in file names and command lines. */
static int
valid_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("._-", *s) == NULL)
			return 0;
	return 1;
}

/* ~ and ~user expand; a relative path is taken from the config's dir. */
static int
get_path(struct ctx *c, const char *key, yaml_node_t *v, char **out)
{
	const char *home = NULL, *rest;
	struct passwd *pw;
	char *s = NULL, *user;

	if (get_str(c, key, v, &s) == -1)
		return -1;
	if (s == NULL)
		return 0;
	if (s[0] == '~') {
		rest = strchr(s, '/');
		if (rest == NULL)
			rest = s + strlen(s);
		if (rest == s + 1) {
			home = getenv("HOME");
			if ((home == NULL || *home == '\0') &&
			    (pw = getpwuid(getuid())) != NULL)
				home = pw->pw_dir;
		} else {
			user = xstrndup(s + 1, (size_t)(rest - s - 1));
			if ((pw = getpwnam(user)) != NULL)
				home = pw->pw_dir;
			free(user);
		}
		if (home == NULL || *home == '\0') {
			fail(c, v, "'%s': cannot expand '%.*s'", key,
			    (int)(rest - s), s);
			free(s);
			return -1;
		}
		free(*out);
		xasprintf(out, "%s%s", home, rest);
		free(s);
		return 0;
	}
	free(*out);
	if (s[0] == '/')
		*out = s;
	else {
		xasprintf(out, "%s/%s", c->cfg->dir, s);
		free(s);
	}
	return 0;
}

/* A path on the agent: not expanded here, so it must be absolute. */
static int
get_remote_path(struct ctx *c, const char *key, yaml_node_t *v, char **out)
{
	char gbuf[64];

	if (get_str(c, key, v, out) == -1)
		return -1;
	if (*out != NULL && (*out)[0] != '/')
		return fail(c, v, "'%s' must be an absolute path on the "
		    "agent, got %s", key, GOT(v));
	return 0;
}

static int
get_int(struct ctx *c, const char *key, yaml_node_t *v, int64_t min,
    int64_t max, int64_t *out)
{
	char gbuf[64];
	int64_t n;

	if (v->type == YAML_SCALAR_NODE && is_null(v))
		return 0;
	n = v->type == YAML_SCALAR_NODE ? jmx_parse_count(sval(v)) : -1;
	if (n >= min && n <= max) {
		*out = n;
		return 0;
	}
	if (max < INT_MAX)
		return fail(c, v, "'%s' must be an integer from %lld to %lld, "
		    "got %s", key, (long long)min, (long long)max, GOT(v));
	return fail(c, v, "'%s' must be a %s integer, got %s", key,
	    min > 0 ? "positive" : "non-negative", GOT(v));
}

/* A finite decimal number; strtod alone would take "nan" and "0x1p3". */
static int
parse_num(const char *s, double *out)
{
	const char *p;
	char *end;

	if (*s == '\0')
		return -1;
	for (p = s; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p) && strchr("+-.eE", *p) == NULL)
			return -1;
	errno = 0;
	*out = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(*out))
		return -1;
	return 0;
}

static int
get_num(struct ctx *c, const char *key, yaml_node_t *v, int positive,
    double *out)
{
	char gbuf[64];
	double d;

	if (v->type == YAML_SCALAR_NODE && is_null(v))
		return 0;
	if (v->type == YAML_SCALAR_NODE && parse_num(sval(v), &d) == 0 &&
	    (!positive || d > 0)) {
		*out = d;
		return 0;
	}
	return fail(c, v, "'%s' must be a %snumber, got %s", key,
	    positive ? "positive " : "", GOT(v));
}

static int
get_bool(struct ctx *c, const char *key, yaml_node_t *v, int *out)
{
	char gbuf[64];
	const char *s;

	if (v->type == YAML_SCALAR_NODE && is_null(v))
		return 0;
	if (v->type == YAML_SCALAR_NODE) {
		s = sval(v);
		if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0) {
			*out = 0;
			return 0;
		}
	}
	return fail(c, v, "'%s' must be true or false, got %s", key, GOT(v));
}

/* "10m", "1h30m", "250ms" or a bare number of seconds. */
static int
get_duration(struct ctx *c, const char *key, yaml_node_t *v, int64_t min,
    int64_t *out)
{
	char gbuf[64];
	int64_t ms;

	if (v->type == YAML_SCALAR_NODE && is_null(v))
		return 0;
	ms = v->type == YAML_SCALAR_NODE ? jmx_parse_duration_ms(sval(v)) : -1;
	if (ms == -1)
		return fail(c, v, "'%s' must be a duration such as 90s, 10m "
		    "or 1h30m, got %s", key, GOT(v));
	if (ms < min)
		return fail(c, v, "'%s' must be longer than zero", key);
	*out = ms;
	return 0;
}

/*
 * A list of strings, in flow or block style; a single string is a list
 * of one.  check, if not NULL, vets each item.  *out is NULL-terminated.
 */
static int
get_list(struct ctx *c, const char *key, yaml_node_t *v, char ***out,
    int *n, int (*check)(struct ctx *, yaml_node_t *, const char *, void *),
    void *arg)
{
	yaml_node_item_t *start, *top;
	yaml_node_t *item;
	char gbuf[64];
	int count, i, rc = 0;

	if (v->type == YAML_MAPPING_NODE)
		return fail(c, v, "'%s' must be a list of strings, got %s",
		    key, GOT(v));
	if (is_null(v))
		return 0;
	if (v->type == YAML_SCALAR_NODE) {
		count = 1;
		start = top = NULL;
	} else {
		start = v->data.sequence.items.start;
		top = v->data.sequence.items.top;
		count = (int)(top - start);
	}
	/* A key given twice (an error already noted) replaces the list. */
	free_strv(*out, *n);
	*out = xcalloc((size_t)count + 1, sizeof **out);
	*n = 0;
	/* A scalar is a list of one: start is NULL, never stepped on. */
	for (i = 0; i < count; i++) {
		item = start == NULL ? v : node(c, start[i]);
		if (item->type != YAML_SCALAR_NODE || is_null(item) ||
		    *sval(item) == '\0') {
			rc = fail(c, item, "'%s' must be a list of strings, "
			    "got %s in it", key,
			    is_null(item) ? "an empty item" : GOT(item));
			continue;
		}
		if (check != NULL && check(c, item, sval(item), arg) == -1) {
			rc = -1;
			continue;
		}
		(*out)[(*n)++] = xstrdup(sval(item));
	}
	return rc;
}

/* Fields shared by defaults: and agents[] entries. */
static int
agent_field(struct ctx *c, struct jmx_agent_conf *a, const char *k,
    yaml_node_t *v)
{
	char gbuf[64];
	int64_t i;

	if (strcmp(k, "name") == 0) {
		if (get_str(c, k, v, &a->name) == -1)
			return -1;
		if (a->name != NULL && !valid_name(a->name))
			return fail(c, v, "agent name %s may only hold "
			    "letters, digits, '.', '_' and '-'", GOT(v));
	} else if (strcmp(k, "host") == 0)
		return get_str(c, k, v, &a->host);
	else if (strcmp(k, "port") == 0) {
		i = a->port;
		if (get_int(c, k, v, 1, 65535, &i) == -1)
			return -1;
		a->port = (int)i;
	} else if (strcmp(k, "user") == 0)
		return get_str(c, k, v, &a->user);
	else if (strcmp(k, "key") == 0)
		return get_path(c, k, v, &a->key);
	else if (strcmp(k, "known_hosts") == 0)
		return get_path(c, k, v, &a->known_hosts);
	else if (strcmp(k, "jmeter_home") == 0)
		return get_remote_path(c, k, v, &a->jmeter_home);
	else if (strcmp(k, "java") == 0)
		return get_str(c, k, v, &a->java);
	else if (strcmp(k, "work_dir") == 0)
		return get_remote_path(c, k, v, &a->work_dir);
	else if (strcmp(k, "weight") == 0)
		return get_num(c, k, v, 1, &a->weight);
	else if (strcmp(k, "max_threads") == 0) {
		i = a->max_threads;
		if (get_int(c, k, v, 1, INT_MAX, &i) == -1)
			return -1;
		a->max_threads = (int)i;
	} else if (strcmp(k, "tags") == 0)
		return get_list(c, k, v, &a->tags, &a->ntags, NULL, NULL);
	else if (strcmp(k, "spare") == 0) {
		/* warm: a spare whose JMeter is held ready all the run. */
		a->warm = v->type == YAML_SCALAR_NODE &&
		    strcasecmp(sval(v), "warm") == 0;
		if (a->warm)
			a->spare = 1;
		else if (get_bool(c, k, v, &a->spare) == -1) {
			/* Say warm is allowed too: the last error, reworded. */
			c->nerrs--;
			return fail(c, v, "'spare' must be true, false or warm, "
			    "got %s", GOT(v));
		}
	}
	return 0;
}

static void
agent_conf_clear(struct jmx_agent_conf *a)
{
	int i;

	free(a->name);
	free(a->host);
	free(a->user);
	free(a->key);
	free(a->known_hosts);
	free(a->jmeter_home);
	free(a->java);
	free(a->work_dir);
	for (i = 0; i < a->ntags; i++)
		free(a->tags[i]);
	free(a->tags);
}

static int
load_defaults(struct ctx *c, yaml_node_t *map, struct jmx_agent_conf *d)
{
	yaml_node_pair_t *p;
	int rc = 0;

	if (is_null(map))
		return 0;
	if (is_map(c, map, "'defaults'") == -1)
		return -1;
	KEEP(rc, check_keys(c, map, "in defaults", default_keys));
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++)
		KEEP(rc, agent_field(c, d, key_of(c, map, p),
		    node(c, p->value)));
	return rc;
}

static char *
inherit(const char *own, const char *def, const char *builtin)
{
	if (own != NULL)
		return NULL;
	if (def != NULL)
		return xstrdup(def);
	return builtin != NULL ? xstrdup(builtin) : NULL;
}

/* Fill what the agent left unset from defaults: and the built-ins. */
static void
apply_defaults(struct jmx_agent_conf *a, const struct jmx_agent_conf *d)
{
	char *s;

	/* port and user left unset: ssh_config's, or 22 and root (ssh.h) */
	if (a->port == 0)
		a->port = d->port;
#define INHERIT(f, builtin) do {				\
	if ((s = inherit(a->f, d->f, (builtin))) != NULL)	\
		a->f = s;					\
} while (0)
	INHERIT(user, NULL);
	INHERIT(key, NULL);
	INHERIT(known_hosts, NULL);
	INHERIT(jmeter_home, NULL);
	INHERIT(java, "java");
	INHERIT(work_dir, "/tmp");
#undef INHERIT
}

static int
load_agent(struct ctx *c, yaml_node_t *map, struct jmx_agent_conf *a,
    const struct jmx_agent_conf *defs)
{
	yaml_node_pair_t *p;
	yaml_node_t *name;
	char where[128];
	int rc = 0;

	if (is_map(c, map, "each agent") == -1)
		return -1;
	a->line = (int)line_of(map);
	/* Name the agent in messages, even when its name comes later. */
	name = lookup(c, map, "name");
	if (name != NULL && name->type == YAML_SCALAR_NODE && !is_null(name))
		snprintf(where, sizeof where, "in agent '%.64s'", sval(name));
	else
		snprintf(where, sizeof where, "in agent at line %lu",
		    line_of(map));
	KEEP(rc, check_keys(c, map, where, agent_keys));
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++)
		KEEP(rc, agent_field(c, a, key_of(c, map, p),
		    node(c, p->value)));
	/* Missing keys only when nothing else is wrong: 'hots' */
	if (rc == 0 && a->name == NULL)
		rc = fail(c, map, "agent at line %lu has no 'name'",
		    line_of(map));
	if (rc == 0 && a->host == NULL)
		rc = fail(c, map, "agent at line %lu has no 'host'",
		    line_of(map));
	apply_defaults(a, defs);
	return rc;
}

static int
load_agents(struct ctx *c, yaml_node_t *seq, const struct jmx_agent_conf *d)
{
	struct jmx_config *cfg = c->cfg;
	yaml_node_item_t *it;
	char gbuf[64];
	int i, j, rc = 0;

	if (is_null(seq))
		return 0;
	if (seq->type != YAML_SEQUENCE_NODE)
		return fail(c, seq, "'agents' must be a list, got %s",
		    GOT(seq));
	cfg->nagents = (int)(seq->data.sequence.items.top -
	    seq->data.sequence.items.start);
	cfg->agents = xcalloc((size_t)cfg->nagents + 1, sizeof *cfg->agents);
	for (i = 0, it = seq->data.sequence.items.start; i < cfg->nagents;
	    i++, it++) {
		KEEP(rc, load_agent(c, node(c, *it), &cfg->agents[i], d));
		for (j = 0; cfg->agents[i].name != NULL && j < i; j++)
			if (cfg->agents[j].name != NULL &&
			    strcmp(cfg->agents[j].name,
			    cfg->agents[i].name) == 0) {
				rc = fail(c, lookup(c, node(c, *it), "name"),
				    "duplicate agent name '%s' (first defined "
				    "at line %d)", cfg->agents[i].name,
				    cfg->agents[j].line);
				break;
			}
	}
	return rc;
}

/* tests.X.agents: each must be in the inventory, and only once. */
static int
check_agent_ref(struct ctx *c, yaml_node_t *v, const char *s, void *arg)
{
	struct jmx_test_conf *t = arg;
	int i;

	if (jmx_config_agent(c->cfg, s) == NULL)
		return fail(c, v, "unknown agent '%s' in test '%s'", s,
		    t->name);
	for (i = 0; i < t->nagents; i++)
		if (strcmp(t->agents[i], s) == 0)
			return fail(c, v, "agent '%s' listed twice in test "
			    "'%s'", s, t->name);
	return 0;
}

/* notify: "mail:ADDRESS", "exec:COMMAND" or "syslog[:TAG]". */
static int
check_notify(struct ctx *c, yaml_node_t *v, const char *s, void *arg)
{
	char gbuf[64];

	(void)arg;
	if ((strncmp(s, "mail:", 5) == 0 && s[5] != '\0') ||
	    (strncmp(s, "exec:", 5) == 0 && s[5] != '\0') ||
	    strcmp(s, "syslog") == 0 ||
	    (strncmp(s, "syslog:", 7) == 0 && s[7] != '\0'))
		return 0;
	return fail(c, v, "'notify' targets must be mail:ADDRESS, "
	    "exec:COMMAND or syslog, got %s", GOT(v));
}


static int
load_threshold(struct ctx *c, yaml_node_t *map, struct jmx_threshold *th)
{
	static const char *const ops[] = { "<", "<=", ">", ">=", NULL };
	yaml_node_t *v;
	char gbuf[64];
	int i, rc = 0;

	th->value = NAN;
	if (is_map(c, map, "each threshold") == -1)
		return -1;
	KEEP(rc, check_keys(c, map, "in threshold", threshold_keys));
	if ((v = lookup(c, map, "label")) != NULL)
		KEEP(rc, get_str(c, "label", v, &th->label));
	if ((v = lookup(c, map, "metric")) != NULL) {
		if (get_str(c, "metric", v, &th->metric) == -1)
			rc = -1;
		else if (th->metric != NULL &&
		    !jmx_verdict_known_metric(th->metric))
			rc = fail(c, v, "'metric' must be pNN or one of "
			    "avg, min, max, median, stddev, error_pct, errors, "
			    "samples, throughput, apdex, got %s", GOT(v));
	}
	if ((v = lookup(c, map, "op")) != NULL) {
		if (get_str(c, "op", v, &th->op) == -1)
			rc = -1;
		for (i = 0; th->op != NULL && ops[i] != NULL; i++)
			if (strcmp(th->op, ops[i]) == 0)
				break;
		if (th->op != NULL && ops[i] == NULL)
			rc = fail(c, v, "'op' must be one of <, <=, >, >=, "
			    "got %s", GOT(v));
	}
	if ((v = lookup(c, map, "value")) != NULL)
		KEEP(rc, get_num(c, "value", v, 0, &th->value));
	/* Missing keys only when nothing else is wrong. */
	if (rc == 0 && (th->metric == NULL || th->op == NULL ||
	    isnan(th->value)))
		rc = fail(c, map, "threshold at line %lu has no '%s'",
		    line_of(map), th->metric == NULL ? "metric" :
		    th->op == NULL ? "op" : "value");
	return rc;
}

static int
load_data(struct ctx *c, yaml_node_t *seq, struct jmx_test_conf *t)
{
	yaml_node_item_t *it;
	yaml_node_t *item, *v;
	struct jmx_data_conf *d;
	char gbuf[64];
	int rc = 0;

	if (is_null(seq))
		return 0;
	if (seq->type != YAML_SEQUENCE_NODE)
		return fail(c, seq, "'data' must be a list, got %s", GOT(seq));
	t->data = xcalloc((size_t)(seq->data.sequence.items.top -
	    seq->data.sequence.items.start) + 1, sizeof *t->data);
	for (it = seq->data.sequence.items.start;
	    it < seq->data.sequence.items.top; it++) {
		item = node(c, *it);
		d = &t->data[t->ndata++];
		if (item->type == YAML_SCALAR_NODE) {
			if (is_null(item))
				rc = fail(c, item, "empty 'data' entry");
			else
				KEEP(rc, get_path(c, "data", item, &d->file));
			continue;
		}
		if (is_map(c, item, "each 'data' entry") == -1) {
			rc = -1;
			continue;
		}
		KEEP(rc, check_keys(c, item, "in data entry", data_keys));
		if ((v = lookup(c, item, "split")) != NULL)
			KEEP(rc, get_bool(c, "split", v, &d->split));
		if ((v = lookup(c, item, "file")) != NULL)
			KEEP(rc, get_path(c, "file", v, &d->file));
		if (rc == 0 && d->file == NULL)
			rc = fail(c, item, "data entry at line %lu has no "
			    "'file'", line_of(item));
	}
	return rc;
}

static int
load_props(struct ctx *c, yaml_node_t *map, struct jmx_test_conf *t)
{
	yaml_node_pair_t *p;
	yaml_node_t *k, *v;
	char gbuf[64];
	int rc = 0;

	if (is_null(map))
		return 0;
	if (is_map(c, map, "'properties'") == -1)
		return -1;
	KEEP(rc, check_keys(c, map, "in properties", NULL));
	t->props = xcalloc((size_t)(map->data.mapping.pairs.top -
	    map->data.mapping.pairs.start) + 1, sizeof *t->props);
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		k = node(c, p->key);
		v = node(c, p->value);
		if (k->type != YAML_SCALAR_NODE)
			continue;
		if (*sval(k) == '\0') {
			rc = fail(c, k, "property names must not be empty");
			continue;
		}
		if (v->type != YAML_SCALAR_NODE) {
			rc = fail(c, v, "property '%s' must be a single "
			    "value, got %s", sval(k), GOT(v));
			continue;
		}
		t->props[t->nprops].name = xstrdup(sval(k));
		t->props[t->nprops++].value = xstrdup(is_null(v) ? "" :
		    sval(v));
	}
	return rc;
}

/* tests.X.regression: METRIC: "+10%", each checked by compare.c. */
static int
load_regression(struct ctx *c, yaml_node_t *map, struct jmx_test_conf *t)
{
	yaml_node_pair_t *p;
	yaml_node_t *k, *v;
	struct jmx_err err;
	char gbuf[64];
	int rc = 0;

	if (is_null(map))
		return 0;
	if (is_map(c, map, "'regression'") == -1)
		return -1;
	KEEP(rc, check_keys(c, map, "in regression", NULL));
	t->regression = xcalloc((size_t)(map->data.mapping.pairs.top -
	    map->data.mapping.pairs.start) + 1, sizeof *t->regression);
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		k = node(c, p->key);
		v = node(c, p->value);
		if (k->type != YAML_SCALAR_NODE)
			continue;
		if (v->type != YAML_SCALAR_NODE || is_null(v)) {
			rc = fail(c, v, "regression '%s' must be a tolerance "
			    "such as +10%%, got %s", sval(k), GOT(v));
			continue;
		}
		if (jmx_compare_rule_parse(sval(k), sval(v),
		    &t->regression[t->nregression], &err) != 0)
			rc = fail(c, v, "%s", err.msg);
		else
			t->nregression++;
	}
	return rc;
}

/* "N" threads, or "xF" to scale the plan's counts. */
static int
get_threads(struct ctx *c, yaml_node_t *v, char **out)
{
	char gbuf[64];
	const char *s;
	double f;

	if (v->type == YAML_SCALAR_NODE && is_null(v))
		return 0;
	if (v->type == YAML_SCALAR_NODE) {
		s = sval(v);
		if ((s[0] == 'x' && isdigit((unsigned char)s[1]) &&
		    strpbrk(s, "eE+-") == NULL &&
		    parse_num(s + 1, &f) == 0 && f > 0) ||
		    (jmx_parse_count(s) > 0 && jmx_parse_count(s) <= INT_MAX)) {
			*out = xstrdup(s);
			return 0;
		}
	}
	return fail(c, v, "'threads' must be a positive integer or a scale "
	    "factor such as x2, got %s", GOT(v));
}

/* A write URL (influx.c checks it), here naming file:line:col. */
static int
get_stream_url(struct ctx *c, const char *key, yaml_node_t *v, char **out)
{
	struct jmx_influx_url u;
	struct jmx_err err;

	if (get_str(c, key, v, out) == -1)
		return -1;
	if (*out == NULL)
		return 0;
	if (jmx_influx_url_parse(*out, &u, &err) != JMX_OK)
		return fail(c, v, "%s", err.msg);
	jmx_influx_url_free(&u);
	return 0;
}

/* stream: URL, or a mapping with url, token_file, application, interval. */
static int
load_stream(struct ctx *c, yaml_node_t *v, struct jmx_test_conf *t)
{
	yaml_node_pair_t *p;
	yaml_node_t *w;
	const char *k;
	int rc = 0;

	if (v->type == YAML_SCALAR_NODE)
		return get_stream_url(c, "stream", v, &t->stream);
	if (is_map(c, v, "'stream'") == -1)
		return -1;
	KEEP(rc, check_keys(c, v, "in stream", stream_keys));
	for (p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top;
	    p++) {
		k = key_of(c, v, p);
		w = node(c, p->value);
		if (strcmp(k, "url") == 0)
			KEEP(rc, get_stream_url(c, k, w, &t->stream));
		else if (strcmp(k, "token_file") == 0)
			KEEP(rc, get_path(c, k, w, &t->stream_token_file));
		else if (strcmp(k, "application") == 0)
			KEEP(rc, get_str(c, k, w, &t->stream_app));
		else if (strcmp(k, "interval") == 0)
			KEEP(rc, get_duration(c, k, w, 1,
			    &t->stream_interval_ms));
	}
	if (rc == 0 && t->stream == NULL)
		rc = fail(c, v, "'stream' has no 'url'");
	return rc;
}

static int
load_test(struct ctx *c, yaml_node_t *key, yaml_node_t *map,
    struct jmx_test_conf *t)
{
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	yaml_node_t *v;
	const char *k;
	char where[128], gbuf[64];
	int rc = 0;

	t->name = xstrdup(sval(key));
	t->line = (int)line_of(key);
	t->ramp_ms = -1;
	if (!valid_name(t->name))
		return fail(c, key, "test name %s may only hold letters, "
		    "digits, '.', '_' and '-'", GOT(key));
	if (is_null(map))
		return fail(c, key, "test '%s' has no 'plan'", t->name);
	snprintf(where, sizeof where, "in test '%.64s'", t->name);
	if (is_map(c, map, "each test") == -1)
		return -1;
	KEEP(rc, check_keys(c, map, where, test_keys));
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		k = key_of(c, map, p);
		v = node(c, p->value);
		if (strcmp(k, "plan") == 0)
			KEEP(rc, get_path(c, k, v, &t->plan));
		else if (strcmp(k, "threads") == 0)
			KEEP(rc, get_threads(c, v, &t->threads));
		else if (strcmp(k, "duration") == 0)
			KEEP(rc, get_duration(c, k, v, 1, &t->duration_ms));
		else if (strcmp(k, "ramp") == 0)
			KEEP(rc, get_duration(c, k, v, 0, &t->ramp_ms));
		else if (strcmp(k, "properties") == 0)
			KEEP(rc, load_props(c, v, t));
		else if (strcmp(k, "data") == 0)
			KEEP(rc, load_data(c, v, t));
		else if (strcmp(k, "regression") == 0)
			KEEP(rc, load_regression(c, v, t));
		else if (strcmp(k, "agents") == 0)
			KEEP(rc, get_list(c, k, v, &t->agents, &t->nagents,
			    check_agent_ref, t));
		else if (strcmp(k, "tag") == 0)
			KEEP(rc, get_str(c, k, v, &t->tag));
		else if (strcmp(k, "setup_on_all") == 0)
			KEEP(rc, get_bool(c, k, v, &t->setup_on_all));
		else if (strcmp(k, "thresholds") == 0) {
			if (is_null(v))
				continue;
			if (v->type != YAML_SEQUENCE_NODE) {
				rc = fail(c, v, "'thresholds' must be a "
				    "list, got %s", GOT(v));
				continue;
			}
			t->thresholds = xcalloc((size_t)(
			    v->data.sequence.items.top -
			    v->data.sequence.items.start) + 1,
			    sizeof *t->thresholds);
			for (it = v->data.sequence.items.start;
			    it < v->data.sequence.items.top; it++)
				KEEP(rc, load_threshold(c, node(c, *it),
				    &t->thresholds[t->nthresholds++]));
		} else if (strcmp(k, "notify") == 0)
			KEEP(rc, get_list(c, k, v, &t->notify, &t->nnotify,
			    check_notify, NULL));
		else if (strcmp(k, "stream") == 0)
			KEEP(rc, load_stream(c, v, t));
	}
	if (rc == 0 && t->plan == NULL)
		rc = fail(c, map, "test '%s' has no 'plan'", t->name);
	return rc;
}

static int
load_tests(struct ctx *c, yaml_node_t *map)
{
	struct jmx_config *cfg = c->cfg;
	yaml_node_pair_t *p;
	int rc = 0;

	if (is_null(map))
		return 0;
	if (is_map(c, map, "'tests'") == -1)
		return -1;
	KEEP(rc, check_keys(c, map, "in tests", NULL));
	cfg->tests = xcalloc((size_t)(map->data.mapping.pairs.top -
	    map->data.mapping.pairs.start) + 1, sizeof *cfg->tests);
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++)
		if (node(c, p->key)->type == YAML_SCALAR_NODE)
			KEEP(rc, load_test(c, node(c, p->key),
			    node(c, p->value), &cfg->tests[cfg->ntests++]));
	return rc;
}

static int
load_settings(struct ctx *c, yaml_node_t *map)
{
	static const char *const policies[] = {
		"redistribute", "continue-partial", "abort", NULL
	};
	struct jmx_settings *s = &c->cfg->settings;
	yaml_node_pair_t *p;
	yaml_node_t *v;
	const char *k;
	char gbuf[64];
	int64_t n;
	int i, rc = 0;

	if (is_null(map))
		return 0;
	if (is_map(c, map, "'settings'") == -1)
		return -1;
	KEEP(rc, check_keys(c, map, "in settings", settings_keys));
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		k = key_of(c, map, p);
		v = node(c, p->value);
		if (strcmp(k, "failure_timeout") == 0) {
			KEEP(rc, get_duration(c, k, v, 1,
			    &s->failure_timeout_ms));
		} else if (strcmp(k, "stall_timeout") == 0) {
			KEEP(rc, get_duration(c, k, v, 0,
			    &s->stall_timeout_ms));
		} else if (strcmp(k, "stop_grace") == 0) {
			KEEP(rc, get_duration(c, k, v, 0, &s->stop_grace_ms));
		} else if (strcmp(k, "deadline_grace") == 0) {
			KEEP(rc, get_duration(c, k, v, 0,
			    &s->deadline_grace_ms));
		} else if (strcmp(k, "min_free_disk_mb") == 0) {
			KEEP(rc, get_int(c, k, v, 0, INT64_MAX,
			    &s->min_free_disk_mb));
		} else if (strcmp(k, "threads_per_core") == 0) {
			n = s->threads_per_core;
			KEEP(rc, get_int(c, k, v, 1, INT_MAX, &n));
			s->threads_per_core = (int)n;
		} else if (strcmp(k, "home") == 0) {
			KEEP(rc, get_path(c, k, v, &s->home));
		} else if (strcmp(k, "resume_ramp") == 0) {
			KEEP(rc, get_bool(c, k, v, &s->resume_ramp));
		} else if (strcmp(k, "on_agent_failure") == 0) {
			if (v->type == YAML_SCALAR_NODE && is_null(v))
				continue;
			for (i = 0; policies[i] != NULL; i++)
				if (v->type == YAML_SCALAR_NODE &&
				    strcmp(sval(v), policies[i]) == 0)
					break;
			if (policies[i] == NULL)
				rc = fail(c, v, "'on_agent_failure' must be "
				    "one of redistribute, continue-partial, "
				    "abort, got %s", GOT(v));
			else
				s->on_agent_failure =
				    (enum jmx_failure_policy)i;
		}
	}
	return rc;
}

static int
load_root(struct ctx *c, yaml_node_t *root)
{
	struct jmx_agent_conf defs;
	yaml_node_t *v;
	int rc;

	if (is_null(root))
		return 0;
	if (is_map(c, root, "the configuration") == -1)
		return -1;
	rc = check_keys(c, root, "at top level", top_keys);
	/* Fixed order: agents inherit defaults, tests name agents. */
	memset(&defs, 0, sizeof defs);
	if ((v = lookup(c, root, "defaults")) != NULL)
		KEEP(rc, load_defaults(c, v, &defs));
	if ((v = lookup(c, root, "agents")) != NULL)
		KEEP(rc, load_agents(c, v, &defs));
	if ((v = lookup(c, root, "tests")) != NULL)
		KEEP(rc, load_tests(c, v));
	if ((v = lookup(c, root, "settings")) != NULL)
		KEEP(rc, load_settings(c, v));
	agent_conf_clear(&defs);
	return rc;
}

static void
syntax_error(const char *file, const yaml_parser_t *p, const char *text,
    struct jmx_err *err)
{
	unsigned long line = 1, col = 1;
	size_t i;

	switch (p->error) {
	case YAML_READER_ERROR:
		/* Reader errors carry a byte offset, not a mark. */
		for (i = 0; i < p->problem_offset && text[i] != '\0'; i++) {
			if (text[i] == '\n') {
				line++;
				col = 1;
			} else
				col++;
		}
		jmx_err_set(err, JMX_ERR_CONFIG, "%s:%lu:%lu: %s", file, line,
		    col, p->problem);
		break;
	case YAML_SCANNER_ERROR:
	case YAML_PARSER_ERROR:
	case YAML_COMPOSER_ERROR:
		line = (unsigned long)p->problem_mark.line + 1;
		col = (unsigned long)p->problem_mark.column + 1;
		if (p->context != NULL)
			jmx_err_set(err, JMX_ERR_CONFIG, "%s:%lu:%lu: %s "
			    "(%s at line %lu)", file, line, col, p->problem,
			    p->context,
			    (unsigned long)p->context_mark.line + 1);
		else
			jmx_err_set(err, JMX_ERR_CONFIG, "%s:%lu:%lu: %s",
			    file, line, col, p->problem);
		break;
	default:
		jmx_err_set(err, JMX_ERR_CONFIG, "%s: cannot parse YAML: %s",
		    file, p->problem != NULL ? p->problem : "out of memory");
		break;
	}
}

/* The config file's directory, absolute when it can be. */
static char *
config_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir, *real;

	if (slash == NULL)
		dir = xstrdup(".");
	else if (slash == path)
		dir = xstrdup("/");
	else
		dir = xstrndup(path, (size_t)(slash - path));
	if ((real = realpath(dir, NULL)) != NULL) {
		free(dir);
		dir = real;
	}
	return dir;
}

/* Hand the errors found to the caller, in file order. */
static void
give_errors(struct ctx *c, struct jmx_err *errs, int max, int *nerrs)
{
	int n = c->nerrs < MAXERRS ? c->nerrs : MAXERRS;
	int i, j, k, done[MAXERRS] = { 0 };

	if (nerrs != NULL)
		*nerrs = c->nerrs;
	/* a selection sort, stable: at most MAXERRS of them */
	for (k = 0; k < max && k < n; k++) {
		for (j = -1, i = 0; i < n; i++)
			if (!done[i] && (j == -1 || c->line[i] < c->line[j] ||
			    (c->line[i] == c->line[j] &&
			    c->col[i] < c->col[j])))
				j = i;
		done[j] = 1;
		errs[k] = c->errs[j];
	}
}

enum jmx_code
jmx_config_load_all(const char *path, struct jmx_config **out,
    struct jmx_err *errs, int max, int *nerrs)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	struct jmx_err rerr;
	struct jmx_config *cfg;
	struct ctx *c;
	yaml_node_t *root;
	char *text;
	size_t len;
	int rc;

	*out = NULL;
	if (nerrs != NULL)
		*nerrs = 1;
	if (max < 1)
		errs = NULL;
	if (jmx_read_file(path, &text, &len, &rerr) != JMX_OK) {
		jmx_err_set(errs, JMX_ERR_IO, "%s: %s", path,
		    strerror(rerr.sys_errno));
		if (errs != NULL)
			errs->sys_errno = rerr.sys_errno;
		return JMX_ERR_IO;
	}
	if (!yaml_parser_initialize(&parser)) {
		free(text);
		return jmx_err_set(errs, JMX_ERR_CONFIG, "%s: cannot start "
		    "the YAML parser", path);
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
	    len);
	if (!yaml_parser_load(&parser, &doc)) {
		syntax_error(path, &parser, text, errs);
		yaml_parser_delete(&parser);
		free(text);
		return JMX_ERR_CONFIG;
	}

	cfg = jmx_config_new();
	cfg->path = xstrdup(path);
	cfg->dir = config_dir(path);
	c = xcalloc(1, sizeof *c);
	c->file = path;
	c->doc = &doc;
	c->cfg = cfg;
	rc = -1;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL || load_root(c, root) == 0) {
		/* One document only: a second one is probably a mistake. */
		if (!yaml_parser_load(&parser, &extra))
			syntax_error(path, &parser, text, errs);
		else {
			c->doc = &extra;
			root = yaml_document_get_root_node(&extra);
			if (root != NULL && !is_null(root))
				fail(c, root, "more than one YAML document; "
				    "jmx reads only one");
			else
				rc = 0;
			yaml_document_delete(&extra);
		}
	}
	/* None noted: success, or a syntax error already in errs. */
	if (c->nerrs > 0 && errs != NULL)
		give_errors(c, errs, max, nerrs);
	free(c);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	free(text);
	if (rc == -1) {
		jmx_config_free(cfg);
		return JMX_ERR_CONFIG;
	}
	*out = cfg;
	return JMX_OK;
}

enum jmx_code
jmx_config_load(const char *path, struct jmx_config **out,
    struct jmx_err *err)
{
	return jmx_config_load_all(path, out, err, 1, NULL);
}

struct jmx_config *
jmx_config_new(void)
{
	struct jmx_config *cfg = xcalloc(1, sizeof *cfg);

	cfg->settings.failure_timeout_ms = 10000;
	cfg->settings.on_agent_failure = JMX_POLICY_REDISTRIBUTE;
	cfg->settings.stop_grace_ms = 10000;
	cfg->settings.stall_timeout_ms = 30000;
	cfg->settings.deadline_grace_ms = 120000;
	cfg->settings.min_free_disk_mb = 200;
	cfg->settings.threads_per_core = 250;
	cfg->settings.resume_ramp = 1;
	return cfg;
}

static void
free_strv(char **v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
jmx_config_free(struct jmx_config *cfg)
{
	struct jmx_test_conf *t;
	int i, j;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nagents; i++)
		agent_conf_clear(&cfg->agents[i]);
	free(cfg->agents);
	for (i = 0; i < cfg->ntests; i++) {
		t = &cfg->tests[i];
		free(t->name);
		free(t->plan);
		free(t->threads);
		for (j = 0; j < t->nprops; j++) {
			free(t->props[j].name);
			free(t->props[j].value);
		}
		free(t->props);
		for (j = 0; j < t->ndata; j++)
			free(t->data[j].file);
		free(t->data);
		for (j = 0; j < t->nthresholds; j++) {
			free(t->thresholds[j].label);
			free(t->thresholds[j].metric);
			free(t->thresholds[j].op);
		}
		free(t->thresholds);
		free(t->regression);
		free_strv(t->agents, t->nagents);
		free(t->tag);
		free_strv(t->notify, t->nnotify);
		free(t->stream);
		free(t->stream_token_file);
		free(t->stream_app);
	}
	free(cfg->tests);
	free(cfg->settings.home);
	free(cfg->path);
	free(cfg->dir);
	free(cfg);
}

static int
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *
jmx_config_default_path(void)
{
	const char *env, *home;
	char *p;

	/* Set but missing is the caller's error to report, not a fallback. */
	if ((env = getenv("JMX_CONFIG")) != NULL && *env != '\0')
		return xstrdup(env);
	if (is_file("jmx.yaml"))
		return xstrdup("jmx.yaml");
	if ((env = getenv("XDG_CONFIG_HOME")) != NULL && env[0] == '/')
		xasprintf(&p, "%s/jmx/config.yaml", env);
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		xasprintf(&p, "%s/.config/jmx/config.yaml", home);
	else
		return NULL;
	if (is_file(p))
		return p;
	free(p);
	return NULL;
}

const struct jmx_agent_conf *
jmx_config_agent(const struct jmx_config *cfg, const char *name)
{
	int i;

	for (i = 0; i < cfg->nagents; i++)
		if (cfg->agents[i].name != NULL &&
		    strcmp(cfg->agents[i].name, name) == 0)
			return &cfg->agents[i];
	return NULL;
}

const struct jmx_test_conf *
jmx_config_test(const struct jmx_config *cfg, const char *name)
{
	int i;

	for (i = 0; i < cfg->ntests; i++)
		if (strcmp(cfg->tests[i].name, name) == 0)
			return &cfg->tests[i];
	return NULL;
}

const char *
jmx_config_policy_name(enum jmx_failure_policy p)
{
	switch (p) {
	case JMX_POLICY_REDISTRIBUTE:
		return "redistribute";
	case JMX_POLICY_CONTINUE_PARTIAL:
		return "continue-partial";
	case JMX_POLICY_ABORT:
		return "abort";
	}
	return "unknown";
}

const char *
jmx_config_libversion(void)
{
	static char buf[48];

	snprintf(buf, sizeof buf, "libyaml %s", yaml_get_version_string());
	return buf;
}
