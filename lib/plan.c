/*
 * plan.c: read a JMeter test plan and write one agent's share of it.
 *
 * A .jmx file is a tree of <hashTree> elements: each test element is
 * followed by the <hashTree> holding its children, so walking the tree
 * means pairing every element with its next sibling.  The walk is the
 * same for loading and for writing (on a copy of the document), so the
 * n-th group, timer or CSV Data Set found while writing is the n-th one
 * the loader listed.
 */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "config.h"
#include "plan.h"
#include "util.h"
#include "xmalloc.h"

#define X(s)	((const xmlChar *)(s))
#define MAXDEPTH 16		/* nested ${...} and variables */

/* What the walk recognises. */
enum item_type {
	IT_TESTPLAN,
	IT_GROUP,
	IT_UNSUPPORTED,		/* a thread group jmx does not know */
	IT_TIMER,
	IT_CSV,
	IT_ARGS			/* User Defined Variables element */
};

struct item {
	xmlNodePtr	 node;
	enum item_type	 type;
	int		 kind;	/* group: group_classes index; else kind */
	int		 group;		/* enclosing group index, -1 */
	int		 enabled;	/* this and every ancestor enabled */
};

struct walk {
	struct item	*items;
	int		 nitems;
	int		 ngroups;
	xmlNodePtr	 tree;		/* the Test Plan's <hashTree> */
};

struct var {
	char		*name;
	char		*value;
};

/* What ${...} can see. */
struct resolver {
	const struct jmx_prop	*props;
	int			 nprops;
	struct var		*vars;	/* later definitions win */
	int			 nvars;
	char			 why[160];
};

struct jmx_plan_xml {
	xmlDocPtr	 doc;
	int		*timer_tput;	/* timer n -> index in plan->tputs */
	int		 ntimers;
};

/* Loading state, for messages. */
struct loader {
	struct jmx_plan		*plan;
	struct resolver		 r;
	int			 flags;		/* JMX_PLAN_COUNT_FIXED */
	struct jmx_err		*err;
};

/* The element being read, for messages: "ThreadGroup 'Users'". */
struct elinfo {
	const char	*cls;
	const char	*name;
	int		 line;
};

/* The plugins whose elements jmx knows, by tools/install-jmeter.sh name. */
#define CASUTG	"casutg", "jmeter-plugins-casutg"
#define TST	"tst", "jmeter-plugins-tst"

static const struct {
	const char		*cls;		/* short class name */
	enum jmx_plan_kind	 kind;
	enum jmx_plan_variant	 variant;
	const char		*plugin;	/* NULL: JMeter's own */
	const char		*jar;
} group_classes[] = {
	{ "ThreadGroup", JMX_PLAN_THREADS, JMX_PLAN_CORE, NULL, NULL },
	{ "SetupThreadGroup", JMX_PLAN_SETUP, JMX_PLAN_CORE, NULL, NULL },
	{ "PostThreadGroup", JMX_PLAN_TEARDOWN, JMX_PLAN_CORE, NULL, NULL },
	{ "OpenModelThreadGroup", JMX_PLAN_OPEN_MODEL, JMX_PLAN_CORE, NULL,
	    NULL },
	{ "ConcurrencyThreadGroup", JMX_PLAN_THREADS, JMX_PLAN_CONCURRENCY,
	    CASUTG },
	{ "UltimateThreadGroup", JMX_PLAN_THREADS, JMX_PLAN_ULTIMATE, CASUTG },
	{ "SteppingThreadGroup", JMX_PLAN_THREADS, JMX_PLAN_STEPPING, CASUTG },
	{ "ArrivalsThreadGroup", JMX_PLAN_OPEN_MODEL, JMX_PLAN_ARRIVALS,
	    CASUTG },
	{ "FreeFormArrivalsThreadGroup", JMX_PLAN_OPEN_MODEL,
	    JMX_PLAN_FREEFORM, CASUTG }
};
#define NCLASSES	(sizeof group_classes / sizeof group_classes[0])

/* The Stepping Thread Group's counts, in jmx_plan_group.counts order. */
static const char *stepping_counts[] = {
	"Start users count", "Start users count burst", "Stop users count"
};
/* The Arrivals groups' limits, in jmx_plan_group.counts order. */
static const char *arrivals_counts[] = {
	"ConcurrencyLimit", "ArrivalsLimit"
};

/* ConstantThroughputTimer calcMode as text: its tag, its English label. */
static const char *calc_modes[] = {
	"this thread only", "all active threads",
	"all active threads in current thread group",
	"all active threads (shared)",
	"all active threads in current thread group (shared)"
};

int
jmx_plan_group_runs(const struct jmx_plan *plan,
    const struct jmx_plan_gshare *groups, int g)
{
	return (plan->groups[g].kind == JMX_PLAN_THREADS &&
	    groups[g].threads > 0) ||
	    (plan->groups[g].kind == JMX_PLAN_OPEN_MODEL &&
	    groups[g].scale > 0);
}

int64_t
jmx_plan_slice(int64_t q, int64_t units, int64_t first, int64_t len)
{
	long double a, b;

	if (units <= 0 || q <= 0)
		return 0;
	a = floorl((long double)q * (long double)(first + len) /
	    (long double)units);
	b = floorl((long double)q * (long double)first / (long double)units);
	return (int64_t)(a - b);
}

const struct jmx_plan_group *
jmx_plan_idle(const struct jmx_plan *p)
{
	const struct jmx_plan_group *g, *first = NULL;
	int i;

	for (i = 0; i < p->ngroups; i++) {
		g = &p->groups[i];
		if (!g->enabled || g->kind == JMX_PLAN_SETUP ||
		    g->kind == JMX_PLAN_TEARDOWN)
			continue;
		if (g->kind == JMX_PLAN_OPEN_MODEL || g->unresolved ||
		    g->threads > 0 || g->units > 0)
			return NULL;
		if (first == NULL)
			first = g;
	}
	return first;
}

const char *
jmx_plan_kind_name(enum jmx_plan_kind kind)
{
	switch (kind) {
	case JMX_PLAN_THREADS:
		return "ThreadGroup";
	case JMX_PLAN_SETUP:
		return "SetupThreadGroup";
	case JMX_PLAN_TEARDOWN:
		return "PostThreadGroup";
	case JMX_PLAN_OPEN_MODEL:
		return "OpenModelThreadGroup";
	}
	return "?";
}

const char *
jmx_plan_libversion(void)
{
	static char buf[32];
	int v = atoi(xmlParserVersion);

	snprintf(buf, sizeof buf, "libxml2 %d.%d.%d", v / 10000,
	    v / 100 % 100, v % 100);
	return buf;
}

/* ---- small DOM helpers ---- */

static int
is_elem(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    (name == NULL || xmlStrcmp(n->name, X(name)) == 0);
}

static xmlNodePtr
next_elem(xmlNodePtr n)
{
	for (n = n->next; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return n;
	return NULL;
}

/* An attribute as a malloc'd C string, or NULL. */
static char *
attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, X(name));
	char *s;

	if (v == NULL)
		return NULL;
	s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

static int
attr_is_false(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, X(name));
	int f;

	f = v != NULL && xmlStrcasecmp(v, X("false")) == 0;
	xmlFree(v);
	return f;
}

/* The class of a test element: testclass, else the element name. */
static const char *
elem_class(xmlNodePtr n, char *buf, size_t len)
{
	xmlChar *v = xmlGetProp(n, X("testclass"));

	snprintf(buf, len, "%s", v != NULL ? (const char *)v :
	    (const char *)n->name);
	xmlFree(v);
	return buf;
}

static const char *
short_class(const char *cls)
{
	const char *p = strrchr(cls, '.');

	return p != NULL ? p + 1 : cls;
}

/*
 * A property child of el: <xProp name="NAME">, or the TestBean form
 * <doubleProp><name>NAME</name><value>..</value></doubleProp>.
 */
static xmlNodePtr
find_prop(xmlNodePtr el, const char *name)
{
	xmlNodePtr n, c;
	xmlChar *v;
	int match;

	if (el == NULL)
		return NULL;
	for (n = el->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if ((v = xmlGetProp(n, X("name"))) != NULL) {
			match = xmlStrcmp(v, X(name)) == 0;
			xmlFree(v);
			if (match)
				return n;
			continue;
		}
		for (c = n->children; c != NULL; c = c->next) {
			if (!is_elem(c, "name"))
				continue;
			v = xmlNodeGetContent(c);
			match = v != NULL && xmlStrcmp(v, X(name)) == 0;
			xmlFree(v);
			if (match)
				return n;
			break;
		}
	}
	return NULL;
}

/* The node holding a property's text (the <value> of the TestBean form). */
static xmlNodePtr
prop_value_node(xmlNodePtr p)
{
	xmlNodePtr c;

	for (c = p->children; c != NULL; c = c->next)
		if (is_elem(c, "value"))
			return c;
	return p;
}

/* A property's text as a malloc'd string, or NULL when absent. */
static char *
prop_text(xmlNodePtr el, const char *name, int *line)
{
	xmlNodePtr p = find_prop(el, name);
	xmlChar *v;
	char *s;

	if (p == NULL)
		return NULL;
	if (line != NULL)
		*line = (int)xmlGetLineNo(p);
	v = xmlNodeGetContent(prop_value_node(p));
	s = xstrdup(v != NULL ? (const char *)v : "");
	xmlFree(v);
	return s;
}

static void
set_text(xmlNodePtr p, const char *text)
{
	p = prop_value_node(p);
	xmlNodeSetContent(p, NULL);
	xmlNodeAddContent(p, X(text));
}

/*
 * Set property name of el to text, adding <tag name="name"> after the
 * last property (with the same indentation) when it is missing.
 */
static void
put_prop(xmlNodePtr el, const char *tag, const char *name, const char *text)
{
	xmlNodePtr p = find_prop(el, name), n, last = NULL;

	if (p != NULL) {
		set_text(p, text);
		return;
	}
	p = xmlNewNode(NULL, X(tag));
	xmlNewProp(p, X("name"), X(name));
	xmlNodeAddContent(p, X(text));
	for (n = el->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			last = n;
	if (last == NULL) {
		xmlAddChild(el, p);
		return;
	}
	xmlAddNextSibling(last, p);
	if (last->prev != NULL && last->prev->type == XML_TEXT_NODE)
		xmlAddPrevSibling(p, xmlCopyNode(last->prev, 1));
}

/*
 * Put var first in a CSV Data Set's variableNames (comma-separated
 * whatever the delimiter), when they are set: its file's records then
 * start with that column.  Without names the header line names it.
 */
static void
put_row_var(xmlNodePtr el, const char *var)
{
	char *names, *v;

	if (var == NULL || (names = prop_text(el, "variableNames", NULL)) ==
	    NULL)
		return;
	if (names[strspn(names, " \t")] != '\0') {
		xasprintf(&v, "%s,%s", var, names);
		put_prop(el, "stringProp", "variableNames", v);
		free(v);
	}
	free(names);
}

/* ---- ${...} resolution ---- */

static const char *
find_close(const char *s, const char *end)
{
	int depth = 1;

	while (s < end) {
		if (*s == '\\' && s + 1 < end) {
			s += 2;
			continue;
		}
		if (*s == '$' && s + 1 < end && s[1] == '{') {
			depth++;
			s += 2;
			continue;
		}
		if (*s == '}' && --depth == 0)
			return s;
		s++;
	}
	return NULL;
}

static int	expand(struct resolver *, const char *, size_t,
		    struct jmx_buf *, int);

static const char *
lookup_prop(const struct resolver *r, const char *name)
{
	const char *v = NULL;
	int i;

	for (i = 0; i < r->nprops; i++)
		if (strcmp(r->props[i].name, name) == 0)
			v = r->props[i].value;
	return v;
}

/* Append s with surrounding white space removed (JMeter trims props). */
static void
add_trimmed(struct jmx_buf *out, const char *s)
{
	size_t len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	jmx_buf_add(out, s, len);
}

/* A function call: name(args), args split at top-level commas. */
static int
call(struct resolver *r, const char *s, size_t len, struct jmx_buf *out,
    int depth)
{
	struct jmx_buf args[4];
	const char *open, *p, *end = s + len, *v;
	size_t nlen;
	int nargs = 0, nest = 0, rc = -1, i;

	memset(args, 0, sizeof args);
	open = memchr(s, '(', len);
	nlen = open != NULL ? (size_t)(open - s) : len;
	if (open == NULL || end[-1] != ')') {
		snprintf(r->why, sizeof r->why, "function %.*s is malformed",
		    (int)nlen, s);
		return -1;
	}
	if (!((nlen == 3 && memcmp(s, "__P", 3) == 0) ||
	    (nlen == 10 && memcmp(s, "__property", 10) == 0))) {
		snprintf(r->why, sizeof r->why,
		    "function %.*s is not supported here", (int)nlen, s);
		return -1;
	}
	/* Split, honouring \, and nested ${...} and parentheses. */
	for (p = open + 1; p < end - 1; p++) {
		if (*p == '\\' && p + 1 < end - 1) {
			if (nargs < 4)
				jmx_buf_addc(&args[nargs], p[1]);
			p++;
			continue;
		}
		if (*p == '(' || (*p == '$' && p[1] == '{'))
			nest++;
		else if ((*p == ')' || *p == '}') && nest > 0)
			nest--;
		else if (*p == ',' && nest == 0) {
			nargs++;
			continue;
		}
		if (nargs < 4)
			jmx_buf_addc(&args[nargs], *p);
	}
	nargs++;
	if (nargs > 4)
		nargs = 4;
	/* Arguments may hold ${...} themselves. */
	for (i = 0; i < nargs; i++) {
		struct jmx_buf tmp = { 0 };

		if (args[i].len > 0 && expand(r, args[i].data, args[i].len,
		    &tmp, depth + 1) == -1) {
			jmx_buf_free(&tmp);
			goto out;
		}
		jmx_buf_free(&args[i]);
		args[i] = tmp;
	}
	v = lookup_prop(r, args[0].data != NULL ? args[0].data : "");
	if (v != NULL)
		add_trimmed(out, v);
	else if (nlen == 3 && nargs >= 2)
		add_trimmed(out, args[1].data != NULL ? args[1].data : "");
	else if (nlen == 10 && nargs >= 3)
		add_trimmed(out, args[2].data != NULL ? args[2].data : "");
	else {
		snprintf(r->why, sizeof r->why,
		    "no property '%s' and no default",
		    args[0].data != NULL ? args[0].data : "");
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < 4; i++)
		jmx_buf_free(&args[i]);
	return rc;
}

static int
expand(struct resolver *r, const char *s, size_t len, struct jmx_buf *out,
    int depth)
{
	const char *end = s + len, *close;
	char *name;
	int i, found;

	if (depth > MAXDEPTH) {
		snprintf(r->why, sizeof r->why, "nested too deeply");
		return -1;
	}
	while (s < end) {
		if (!(s[0] == '$' && s + 1 < end && s[1] == '{')) {
			jmx_buf_addc(out, *s++);
			continue;
		}
		if ((close = find_close(s + 2, end)) == NULL) {
			snprintf(r->why, sizeof r->why, "unterminated ${");
			return -1;
		}
		s += 2;
		if (close - s >= 2 && s[0] == '_' && s[1] == '_') {
			if (call(r, s, (size_t)(close - s), out, depth) == -1)
				return -1;
		} else {
			name = xstrndup(s, (size_t)(close - s));
			found = -1;
			for (i = 0; i < r->nvars; i++)
				if (strcmp(r->vars[i].name, name) == 0)
					found = i;
			if (found == -1) {
				snprintf(r->why, sizeof r->why,
				    "variable '%s' is not defined", name);
				free(name);
				return -1;
			}
			free(name);
			if (expand(r, r->vars[found].value,
			    strlen(r->vars[found].value), out, depth + 1) == -1)
				return -1;
		}
		s = close + 1;
	}
	return 0;
}

/* Resolve s into a new string, or NULL with r->why set. */
static char *
resolve(struct resolver *r, const char *s)
{
	struct jmx_buf b = { 0 };

	r->why[0] = '\0';
	if (expand(r, s, strlen(s), &b, 0) == -1) {
		jmx_buf_free(&b);
		return NULL;
	}
	return jmx_buf_steal(&b);
}

static int
parse_int(const char *s, int64_t *v)
{
	long long n;
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0')
		return -1;
	n = strtoll(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (*end != '\0' || n == LLONG_MAX || n == LLONG_MIN)
		return -1;
	*v = n;
	return 0;
}

static int
parse_double(const char *s, double *v)
{
	char *end;
	double d;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0' || (!isdigit((unsigned char)*s) && *s != '.' &&
	    *s != '-' && *s != '+'))
		return -1;
	d = strtod(s, &end);
	while (isspace((unsigned char)*end))
		end++;
	if (*end != '\0' || !isfinite(d))
		return -1;
	*v = d;
	return 0;
}

/* "ThreadGroup.num_threads" -> "num_threads" for messages. */
static const char *
prop_label(const char *name)
{
	const char *p = strrchr(name, '.');

	return p != NULL ? p + 1 : name;
}

static enum jmx_code
field_error(struct loader *l, const struct elinfo *e, int line,
    const char *pname, const char *raw, const char *what)
{
	return jmx_err_set(l->err, JMX_ERR_PLAN,
	    "plan '%s': line %d: %s '%s': %s '%s' %s", l->plan->path, line,
	    e->cls, e->name, prop_label(pname), raw, what);
}

/*
 * Resolve property pname of el as a string.  *out is NULL when the
 * property is absent or blank.
 */
static enum jmx_code
str_field(struct loader *l, const struct elinfo *e, xmlNodePtr el,
    const char *pname, char **out, int *linep)
{
	char *raw, *v, what[220];
	int line = e->line;

	*out = NULL;
	if ((raw = prop_text(el, pname, &line)) == NULL)
		return JMX_OK;
	if (linep != NULL)
		*linep = line;
	if ((v = resolve(&l->r, raw)) == NULL) {
		snprintf(what, sizeof what, "cannot be resolved (%s)",
		    l->r.why);
		field_error(l, e, line, pname, raw, what);
		free(raw);
		return JMX_ERR_PLAN;
	}
	free(raw);
	if (v[strspn(v, " \t\r\n")] == '\0') {
		free(v);
		return JMX_OK;
	}
	*out = v;
	return JMX_OK;
}

/*
 * An integer property in [min, max]: def when absent or blank (an error
 * when required).
 */
static enum jmx_code
int_field(struct loader *l, const struct elinfo *e, xmlNodePtr el,
    const char *pname, int required, int64_t def, int64_t min, int64_t max,
    int64_t *out)
{
	char *v, *raw, what[220];
	int line = e->line;
	int64_t n;

	if (str_field(l, e, el, pname, &v, &line) != JMX_OK)
		return JMX_ERR_PLAN;
	if (v == NULL) {
		if (!required) {
			*out = def;
			return JMX_OK;
		}
		return jmx_err_set(l->err, JMX_ERR_PLAN,
		    "plan '%s': line %d: %s '%s': %s is missing or empty",
		    l->plan->path, line, e->cls, e->name, prop_label(pname));
	}
	raw = prop_text(el, pname, NULL);
	if (parse_int(v, &n) == -1) {
		snprintf(what, sizeof what, "is not a whole number%s%s%s",
		    strcmp(raw, v) != 0 ? " ('" : "",
		    strcmp(raw, v) != 0 ? v : "",
		    strcmp(raw, v) != 0 ? "')" : "");
		goto fail;
	}
	if (n < min || n > max) {
		snprintf(what, sizeof what, "is out of range (%lld, not in "
		    "%lld..%lld)", (long long)n, (long long)min,
		    (long long)max);
		goto fail;
	}
	free(raw);
	free(v);
	*out = n;
	return JMX_OK;
fail:
	field_error(l, e, line, pname, raw, what);
	free(raw);
	free(v);
	return JMX_ERR_PLAN;
}

static enum jmx_code
double_field(struct loader *l, const struct elinfo *e, xmlNodePtr el,
    const char *pname, double def, double *out, int *linep)
{
	char *v, *raw, what[220];
	int line = e->line;
	double d;

	if (str_field(l, e, el, pname, &v, &line) != JMX_OK)
		return JMX_ERR_PLAN;
	if (linep != NULL)
		*linep = line;
	if (v == NULL) {
		*out = def;
		return JMX_OK;
	}
	raw = prop_text(el, pname, NULL);
	if (parse_double(v, &d) == -1 || d < 0) {
		snprintf(what, sizeof what, "is not a number >= 0%s%s%s",
		    strcmp(raw, v) != 0 ? " ('" : "",
		    strcmp(raw, v) != 0 ? v : "",
		    strcmp(raw, v) != 0 ? "')" : "");
		field_error(l, e, line, pname, raw, what);
		free(raw);
		free(v);
		return JMX_ERR_PLAN;
	}
	free(raw);
	free(v);
	*out = d;
	return JMX_OK;
}

/* A boolean: "true" in any case is true (Boolean.parseBoolean). */
static enum jmx_code
bool_field(struct loader *l, const struct elinfo *e, xmlNodePtr el,
    const char *pname, int def, int *out)
{
	char *v;

	if (str_field(l, e, el, pname, &v, NULL) != JMX_OK)
		return JMX_ERR_PLAN;
	if (v == NULL)
		*out = def;
	else {
		char *s = v;

		while (isspace((unsigned char)*s))
			s++;
		*out = strncasecmp(s, "true", 4) == 0 &&
		    s[4 + strspn(s + 4, " \t\r\n")] == '\0';
	}
	free(v);
	return JMX_OK;
}

/* ---- the walk ---- */

static void
add_item(struct walk *w, xmlNodePtr n, enum item_type type, int kind,
    int group, int enabled)
{
	struct item *it;

	w->items = xreallocarray(w->items, (size_t)w->nitems + 1,
	    sizeof *w->items);
	it = &w->items[w->nitems++];
	it->node = n;
	it->type = type;
	it->kind = kind;
	it->group = group;
	it->enabled = enabled;
}

static void
walk_tree(struct walk *w, xmlNodePtr tree, int enabled, int group)
{
	xmlNodePtr n, sub;
	char buf[256];
	const char *cls;
	size_t i, len;
	int eff, g;

	for (n = tree->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || is_elem(n, "hashTree"))
			continue;
		eff = enabled && !attr_is_false(n, "enabled");
		sub = next_elem(n);
		if (sub != NULL && !is_elem(sub, "hashTree"))
			sub = NULL;
		cls = short_class(elem_class(n, buf, sizeof buf));
		g = group;
		for (i = 0; i < NCLASSES; i++)
			if (strcmp(cls, group_classes[i].cls) == 0)
				break;
		len = strlen(cls);
		if (i < NCLASSES) {
			add_item(w, n, IT_GROUP, (int)i, group, eff);
			g = w->ngroups++;
		} else if (len >= 11 &&
		    strcmp(cls + len - 11, "ThreadGroup") == 0) {
			if (eff)
				add_item(w, n, IT_UNSUPPORTED, 0, group, eff);
		} else if (strcmp(cls, "TestPlan") == 0) {
			if (w->tree == NULL)
				w->tree = sub;
			add_item(w, n, IT_TESTPLAN, 0, group, eff);
		} else if (!eff)
			;
		else if (strcmp(cls, "ConstantThroughputTimer") == 0)
			add_item(w, n, IT_TIMER, JMX_PLAN_CONSTANT_TIMER,
			    group, eff);
		else if (strcmp(cls, "PreciseThroughputTimer") == 0)
			add_item(w, n, IT_TIMER, JMX_PLAN_PRECISE_TIMER,
			    group, eff);
		else if (strcmp(cls, "VariableThroughputTimer") == 0)
			add_item(w, n, IT_TIMER, JMX_PLAN_SHAPING_TIMER,
			    group, eff);
		else if (strcmp(cls, "CSVDataSet") == 0)
			add_item(w, n, IT_CSV, 0, group, eff);
		else if (strcmp(cls, "Arguments") == 0)
			add_item(w, n, IT_ARGS, 0, group, eff);
		if (sub != NULL)
			walk_tree(w, sub, eff, g);
	}
}

static int
walk_doc(xmlDocPtr doc, struct walk *w)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), n;

	memset(w, 0, sizeof *w);
	if (!is_elem(root, "jmeterTestPlan"))
		return -1;
	for (n = root->children; n != NULL; n = n->next)
		if (is_elem(n, "hashTree"))
			walk_tree(w, n, 1, -1);
	return 0;
}

/* ---- loading ---- */

/* Add the Argument.name/Argument.value pairs of an Arguments element. */
static void
add_vars(struct resolver *r, xmlNodePtr args)
{
	xmlNodePtr coll = find_prop(args, "Arguments.arguments"), n;
	char *name, *value;

	if (coll == NULL)
		return;
	for (n = coll->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		name = prop_text(n, "Argument.name", NULL);
		value = prop_text(n, "Argument.value", NULL);
		if (name == NULL || *name == '\0') {
			free(name);
			free(value);
			continue;
		}
		r->vars = xreallocarray(r->vars, (size_t)r->nvars + 1,
		    sizeof *r->vars);
		r->vars[r->nvars].name = name;
		r->vars[r->nvars].value = value != NULL ? value : xstrdup("");
		r->nvars++;
	}
}

static void
add_tput(struct jmx_plan *plan, const struct jmx_plan_tput *t)
{
	plan->tputs = xreallocarray(plan->tputs, (size_t)plan->ntputs + 1,
	    sizeof *plan->tputs);
	plan->tputs[plan->ntputs++] = *t;
}

/* Seconds in a schedule time unit, or 0 if unknown. */
static double
unit_seconds(const char *u, size_t len)
{
	if (len == 2 && strncasecmp(u, "ms", 2) == 0)
		return 0.001;
	if ((len == 1 && (*u == 's' || *u == 'S')) ||
	    (len >= 3 && strncasecmp(u, "sec", 3) == 0))
		return 1;
	if ((len == 1 && (*u == 'm' || *u == 'M')) ||
	    (len >= 3 && strncasecmp(u, "min", 3) == 0))
		return 60;
	if ((len == 1 && (*u == 'h' || *u == 'H')) ||
	    (len >= 4 && strncasecmp(u, "hour", 4) == 0))
		return 3600;
	if ((len == 1 && (*u == 'd' || *u == 'D')) ||
	    (len >= 3 && strncasecmp(u, "day", 3) == 0))
		return 86400;
	return 0;
}

/* Skip white space and comments of an open model schedule. */
static const char *
skip_blank(const char *s)
{
	for (;;) {
		if (isspace((unsigned char)*s))
			s++;
		else if (s[0] == '/' && s[1] == '*') {
			const char *e = strstr(s + 2, "*/");

			s = e != NULL ? e + 2 : s + strlen(s);
		} else if (s[0] == '/' && s[1] == '/')
			s += strcspn(s, "\r\n");
		else
			return s;
	}
}

/* A number the schedule tokenizer accepts: no sign, no exponent. */
static void
plain_number(struct jmx_buf *out, double v)
{
	char buf[64];
	size_t len;

	snprintf(buf, sizeof buf, "%.9f", v);
	len = strlen(buf);
	while (len > 0 && buf[len - 1] == '0')
		len--;
	if (len > 0 && buf[len - 1] == '.')
		len--;
	jmx_buf_add(out, buf, len);
}

/*
 * Find the rate(N/unit) steps of an open model schedule.  With out, copy
 * the schedule there with every rate multiplied by scale; with cb, report
 * each rate in per second.  Returns -1 on a rate that cannot be read.
 */
static int
scan_schedule(const char *s, double scale, struct jmx_buf *out,
    void (*cb)(void *, double), void *arg)
{
	const char *p = s, *q, *num, *u;
	double v, secs;
	char *end;
	size_t ulen;

	while (*p != '\0') {
		q = skip_blank(p);
		if (q != p) {
			if (out != NULL)
				jmx_buf_add(out, p, (size_t)(q - p));
			p = q;
			continue;
		}
		if (!isalpha((unsigned char)*p)) {
			if (out != NULL)
				jmx_buf_addc(out, *p);
			p++;
			continue;
		}
		for (q = p; isalnum((unsigned char)*q) || *q == '_'; q++)
			;
		if (q - p != 4 || strncasecmp(p, "rate", 4) != 0) {
			if (out != NULL)
				jmx_buf_add(out, p, (size_t)(q - p));
			p = q;
			continue;
		}
		/* rate ( NUMBER [ / | per ] UNIT ) */
		q = skip_blank(q);
		if (*q != '(')
			return -1;
		num = skip_blank(q + 1);
		if (!isdigit((unsigned char)*num) && *num != '.')
			return -1;
		v = strtod(num, &end);
		if (out != NULL) {
			jmx_buf_add(out, p, (size_t)(num - p));
			plain_number(out, v * scale);
		}
		p = end;
		q = skip_blank(end);
		if (*q == ')')
			secs = 1;
		else {
			if (*q == '/')
				q = skip_blank(q + 1);
			else if (strncasecmp(q, "per", 3) == 0 &&
			    !isalnum((unsigned char)q[3]))
				q = skip_blank(q + 3);
			else
				return -1;
			u = q;
			while (isalnum((unsigned char)*u) || *u == '_')
				u++;
			ulen = (size_t)(u - q);
			if ((secs = unit_seconds(q, ulen)) == 0)
				return -1;
		}
		if (cb != NULL)
			cb(arg, v / secs);
	}
	return 0;
}

struct rate_ctx {
	struct jmx_plan	*plan;
	int		 group;
	int		 line;
};

static void
add_rate(void *arg, double per_second)
{
	struct rate_ctx *rc = arg;
	struct jmx_plan_tput t;

	memset(&t, 0, sizeof t);
	t.kind = JMX_PLAN_OPEN_RATE;
	t.name = xstrdup(rc->plan->groups[rc->group].name);
	t.group = rc->group;
	t.line = rc->line;
	t.throughput = per_second;
	t.period_s = 1;
	t.calc_mode = -1;
	add_tput(rc->plan, &t);
}

/* Does property pname of el hold an expression that cannot be resolved? */
static int
unresolvable(struct loader *l, xmlNodePtr el, const char *pname)
{
	char *raw = prop_text(el, pname, NULL), *v = NULL;
	int bad;

	bad = raw != NULL && (v = resolve(&l->r, raw)) == NULL;
	free(raw);
	free(v);
	return bad;
}

/* The element children of a collectionProp (rows, or a row's cells). */
static int
children(xmlNodePtr coll, xmlNodePtr *out, int max)
{
	xmlNodePtr n;
	int k = 0;

	for (n = coll != NULL ? coll->children : NULL; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE) {
			if (k < max)
				out[k] = n;
			k++;
		}
	return k;
}

/*
 * A number in a table cell (a row of a collectionProp), resolved: a
 * whole number >= 0 when whole, else a number >= 0.
 */
static enum jmx_code
cell_value(struct loader *l, const struct elinfo *e, xmlNodePtr cell,
    const char *label, int whole, double *out)
{
	xmlChar *x = xmlNodeGetContent(cell);
	char *raw = xstrdup(x != NULL ? (const char *)x : ""), *v, what[220];
	int line = (int)xmlGetLineNo(cell);
	int64_t n;

	xmlFree(x);
	if ((v = resolve(&l->r, raw)) == NULL) {
		snprintf(what, sizeof what, "cannot be resolved (%s)",
		    l->r.why);
		field_error(l, e, line, label, raw, what);
		free(raw);
		return JMX_ERR_PLAN;
	}
	if (whole ? parse_int(v, &n) == -1 || n < 0 || n > INT_MAX :
	    parse_double(v, out) == -1 || *out < 0) {
		field_error(l, e, line, label, raw, whole ?
		    "is not a whole number >= 0" : "is not a number >= 0");
		free(raw);
		free(v);
		return JMX_ERR_PLAN;
	}
	if (whole)
		*out = (double)n;
	free(raw);
	free(v);
	return JMX_OK;
}

/* The rows of a plugin's table property, each with at least ncells. */
static enum jmx_code
table_rows(struct loader *l, const struct elinfo *e, xmlNodePtr el,
    const char *pname, int ncells, xmlNodePtr **rows, int *nrows)
{
	xmlNodePtr coll = find_prop(el, pname), cells[8];
	int i, k;

	*rows = NULL;
	*nrows = children(coll, NULL, 0);
	if (coll == NULL || *nrows == 0)
		return jmx_err_set(l->err, JMX_ERR_PLAN,
		    "plan '%s': line %d: %s '%s': %s has no rows",
		    l->plan->path, e->line, e->cls, e->name, pname);
	*rows = xcalloc((size_t)*nrows, sizeof **rows);
	children(coll, *rows, *nrows);
	for (i = 0; i < *nrows; i++) {
		k = children((*rows)[i], cells, 8);
		if (k < ncells) {
			free(*rows);
			*rows = NULL;
			return jmx_err_set(l->err, JMX_ERR_PLAN,
			    "plan '%s': line %ld: %s '%s': %s row %d has %d "
			    "columns, not %d", l->plan->path,
			    xmlGetLineNo((*rows)[i]), e->cls, e->name, pname,
			    i + 1, k, ncells);
		}
	}
	return JMX_OK;
}

static void
add_count(struct jmx_plan_group *g, int64_t v)
{
	g->counts = xreallocarray(g->counts, (size_t)g->ncounts + 1,
	    sizeof *g->counts);
	g->counts[g->ncounts++] = v;
}

/* The counts of a plugin group, as the plugin reads them. */
static enum jmx_code
load_plugin_group(struct loader *l, const struct elinfo *e, xmlNodePtr el,
    struct jmx_plan_group *g)
{
	xmlNodePtr *rows = NULL, cells[8];
	char label[64];
	double d;
	int64_t v;
	int i, nrows;
	size_t k;

	switch (g->variant) {
	case JMX_PLAN_CORE:
		break;
	case JMX_PLAN_CONCURRENCY:
	case JMX_PLAN_STEPPING:
		if (g->variant == JMX_PLAN_CONCURRENCY) {
			if ((l->flags & JMX_PLAN_COUNT_FIXED) &&
			    unresolvable(l, el, "TargetLevel")) {
				g->unresolved = 1;
				return JMX_OK;
			}
			if (int_field(l, e, el, "TargetLevel", 0, 1, 0,
			    INT_MAX, &v) != JMX_OK)
				return JMX_ERR_PLAN;
		} else if (int_field(l, e, el, "ThreadGroup.num_threads", 1,
		    0, 0, INT_MAX, &v) != JMX_OK)
			return JMX_ERR_PLAN;	/* steps need it: no --threads */
		g->threads = (int)v;
		g->units = v;
		for (k = 0; g->variant == JMX_PLAN_STEPPING &&
		    k < sizeof stepping_counts / sizeof stepping_counts[0];
		    k++) {
			if (int_field(l, e, el, stepping_counts[k], 0, 0, 0,
			    INT_MAX, &v) != JMX_OK)
				return JMX_ERR_PLAN;
			add_count(g, v);
		}
		return JMX_OK;
	case JMX_PLAN_ULTIMATE:
		if (table_rows(l, e, el, "ultimatethreadgroupdata", 5, &rows,
		    &nrows) != JMX_OK)
			return JMX_ERR_PLAN;
		for (i = 0; i < nrows; i++) {
			children(rows[i], cells, 8);
			snprintf(label, sizeof label, "row %d threads", i + 1);
			if (cell_value(l, e, cells[0], label, 1, &d) !=
			    JMX_OK) {
				free(rows);
				return JMX_ERR_PLAN;
			}
			add_count(g, (int64_t)d);
			g->units += (int64_t)d;
		}
		free(rows);
		if (g->units > INT_MAX)
			return jmx_err_set(l->err, JMX_ERR_PLAN,
			    "plan '%s': line %d: %s '%s': too many threads",
			    l->plan->path, e->line, e->cls, e->name);
		g->threads = (int)g->units;
		return JMX_OK;
	case JMX_PLAN_ARRIVALS:
	case JMX_PLAN_FREEFORM:
		for (k = 0; k < sizeof arrivals_counts /
		    sizeof arrivals_counts[0]; k++) {
			if (int_field(l, e, el, arrivals_counts[k], 0, 0, 0,
			    INT_MAX, &v) != JMX_OK)
				return JMX_ERR_PLAN;
			add_count(g, v);
		}
		if (g->variant == JMX_PLAN_ARRIVALS)
			return int_field(l, e, el, "TargetLevel", 0, 1, 0,
			    INT_MAX, &g->units);
		g->units = g->counts[0];
		if (table_rows(l, e, el, "Schedule", 3, &rows, &nrows) !=
		    JMX_OK)
			return JMX_ERR_PLAN;
		for (i = 0; i < nrows; i++) {
			children(rows[i], cells, 8);
			for (k = 0; k < 3; k++) {
				snprintf(label, sizeof label, "row %d %s",
				    i + 1, k == 0 ? "start" : k == 1 ?
				    "end" : "duration");
				if (cell_value(l, e, cells[k], label, 0, &d) !=
				    JMX_OK) {
					free(rows);
					return JMX_ERR_PLAN;
				}
			}
		}
		free(rows);
		return JMX_OK;
	}
	return JMX_OK;
}

/* Note that the plan needs a plugin for element el (class cls). */
static void
add_need(struct jmx_plan *plan, const char *plugin, const char *jar,
    const char *cls, const char *name, int line)
{
	struct jmx_plan_need *n;

	plan->needs = xreallocarray(plan->needs, (size_t)plan->nneeds + 1,
	    sizeof *plan->needs);
	n = &plan->needs[plan->nneeds++];
	n->plugin = plugin;
	n->jar = jar;
	xasprintf(&n->what, "%s '%s'", cls, name);
	n->line = line;
}

const struct jmx_plan_need *
jmx_plan_missing(const struct jmx_plan *plan, const char *jars)
{
	const char *p;
	size_t len;
	int i, found;

	for (i = 0; i < plan->nneeds; i++) {
		len = strlen(plan->needs[i].jar);
		found = 0;
		for (p = jars != NULL ? jars : ""; *p != '\0' && !found;) {
			p += strspn(p, " \t\n");
			found = strncmp(p, plan->needs[i].jar, len) == 0 &&
			    (p[len] == '-' || p[len] == '.');
			p += strcspn(p, " \t\n");
		}
		if (!found)
			return &plan->needs[i];
	}
	return NULL;
}

static enum jmx_code
load_group(struct loader *l, const struct item *it, int gidx)
{
	struct jmx_plan_group *g = &l->plan->groups[gidx];
	xmlNodePtr el = it->node, lc;
	struct elinfo e;
	struct rate_ctx rc;
	int64_t v;
	int line = 0;

	g->kind = group_classes[it->kind].kind;
	g->variant = group_classes[it->kind].variant;
	g->name = attr(el, "testname");
	if (g->name == NULL)
		g->name = xstrdup("");
	g->enabled = it->enabled;
	g->line = (int)xmlGetLineNo(el);
	g->loops = 1;
	if (!g->enabled)
		return JMX_OK;	/* never run: leave its fields alone */
	e.cls = group_classes[it->kind].cls;
	e.name = g->name;
	e.line = g->line;
	if (g->variant != JMX_PLAN_CORE) {
		add_need(l->plan, group_classes[it->kind].plugin,
		    group_classes[it->kind].jar, e.cls, e.name, e.line);
		return load_plugin_group(l, &e, el, g);
	}
	if (g->kind == JMX_PLAN_OPEN_MODEL) {
		if (str_field(l, &e, el, "OpenModelThreadGroup.schedule",
		    &g->schedule, &line) != JMX_OK)
			return JMX_ERR_PLAN;
		if (g->schedule == NULL)
			return jmx_err_set(l->err, JMX_ERR_PLAN,
			    "plan '%s': line %d: %s '%s': schedule is missing",
			    l->plan->path, e.line, e.cls, e.name);
		rc.plan = l->plan;
		rc.group = gidx;
		rc.line = line;
		if (scan_schedule(g->schedule, 1, NULL, add_rate, &rc) == -1)
			return jmx_err_set(l->err, JMX_ERR_PLAN,
			    "plan '%s': line %d: %s '%s': schedule '%s' has "
			    "a rate that cannot be read", l->plan->path, line,
			    e.cls, e.name, g->schedule);
		return JMX_OK;
	}
	if ((l->flags & JMX_PLAN_COUNT_FIXED) && g->kind == JMX_PLAN_THREADS &&
	    unresolvable(l, el, "ThreadGroup.num_threads"))
		g->unresolved = 1;
	else if (int_field(l, &e, el, "ThreadGroup.num_threads", 1, 0, 0,
	    INT_MAX, &v) != JMX_OK)
		return JMX_ERR_PLAN;
	else
		g->threads = (int)v;
	if (int_field(l, &e, el, "ThreadGroup.ramp_time", 0, 0, 0, INT_MAX,
	    &v) != JMX_OK)
		return JMX_ERR_PLAN;
	g->ramp_s = (int)v;
	if (bool_field(l, &e, el, "ThreadGroup.scheduler", 0,
	    &g->scheduler) != JMX_OK)
		return JMX_ERR_PLAN;
	if (int_field(l, &e, el, "ThreadGroup.duration", 0, 0, 0, INT64_MAX,
	    &g->duration_s) != JMX_OK)
		return JMX_ERR_PLAN;
	if (int_field(l, &e, el, "ThreadGroup.delay", 0, 0, 0, INT64_MAX,
	    &g->delay_s) != JMX_OK)
		return JMX_ERR_PLAN;
	if ((lc = find_prop(el, "ThreadGroup.main_controller")) != NULL &&
	    int_field(l, &e, lc, "LoopController.loops", 0, 1, -1, INT64_MAX,
	    &g->loops) != JMX_OK)
		return JMX_ERR_PLAN;
	return JMX_OK;
}

/*
 * calcMode of a Constant Throughput Timer in any form JMeter reads: a
 * number 0..4, or the English label ("this thread only", ...) older and
 * newer versions write as text.  The tags "calcMode.1".."calcMode.5" of
 * older plans are read as JMeter 5.6 reads them: it matches text against
 * the labels only, logs "Could not convert calcMode=calcMode.3" and runs
 * mode 0, this thread only (measured: 3 threads at 60/min made 18
 * samples in 6 s with "calcMode.2", 7 with its label).
 */
static enum jmx_code
calc_mode(struct loader *l, const struct elinfo *e, xmlNodePtr el,
    int64_t *mode)
{
	char *v, *raw, *t, tag[16];
	size_t i, len;
	int line = e->line;

	if (str_field(l, e, el, "calcMode", &v, &line) != JMX_OK)
		return JMX_ERR_PLAN;
	*mode = 0;
	if (v == NULL)
		return JMX_OK;
	t = v + strspn(v, " \t\r\n");
	len = strlen(t);
	while (len > 0 && isspace((unsigned char)t[len - 1]))
		t[--len] = '\0';
	if (parse_int(t, mode) == 0 && *mode >= 0 && *mode <= 4) {
		free(v);
		return JMX_OK;
	}
	for (i = 0; i < sizeof calc_modes / sizeof calc_modes[0]; i++) {
		snprintf(tag, sizeof tag, "calcMode.%zu", i + 1);
		if (strcasecmp(t, calc_modes[i]) == 0 ||
		    strcmp(t, tag) == 0) {
			*mode = strcmp(t, tag) == 0 ? 0 : (int64_t)i;
			free(v);
			return JMX_OK;
		}
	}
	raw = prop_text(el, "calcMode", NULL);
	field_error(l, e, line, "calcMode", raw, "is not a calculation mode "
	    "(0..4, calcMode.1..calcMode.5 or a label such as 'this thread "
	    "only')");
	free(raw);
	free(v);
	return JMX_ERR_PLAN;
}

/* A Throughput Shaping Timer's load_profile rows: start, end, seconds. */
static enum jmx_code
load_shaping(struct loader *l, const struct elinfo *e, xmlNodePtr el,
    struct jmx_plan_tput *t)
{
	xmlNodePtr *rows, cells[8];
	char label[64];
	double d;
	int i, k, nrows;

	if (table_rows(l, e, el, "load_profile", 3, &rows, &nrows) != JMX_OK)
		return JMX_ERR_PLAN;
	t->period_s = 1;
	for (i = 0; i < nrows; i++) {
		children(rows[i], cells, 8);
		for (k = 0; k < 3; k++) {
			snprintf(label, sizeof label, "row %d %s", i + 1,
			    k == 0 ? "start" : k == 1 ? "end" : "duration");
			if (cell_value(l, e, cells[k], label, k == 2, &d) !=
			    JMX_OK) {
				free(rows);
				return JMX_ERR_PLAN;
			}
			if (k < 2 && d > t->throughput)
				t->throughput = d;
		}
	}
	free(rows);
	return JMX_OK;
}

static enum jmx_code
load_timer(struct loader *l, const struct item *it)
{
	struct jmx_plan_tput t;
	struct elinfo e;
	char buf[256];
	int64_t mode;

	memset(&t, 0, sizeof t);
	t.kind = (enum jmx_plan_tput_kind)it->kind;
	t.name = attr(it->node, "testname");
	if (t.name == NULL)
		t.name = xstrdup("");
	t.group = it->group;
	t.line = (int)xmlGetLineNo(it->node);
	t.calc_mode = -1;
	e.cls = short_class(elem_class(it->node, buf, sizeof buf));
	e.name = t.name;
	e.line = t.line;
	if (t.kind == JMX_PLAN_SHAPING_TIMER) {
		add_need(l->plan, TST, e.cls, e.name, e.line);
		if (load_shaping(l, &e, it->node, &t) != JMX_OK)
			goto fail;
		add_tput(l->plan, &t);
		return JMX_OK;
	}
	if (double_field(l, &e, it->node, "throughput", 0, &t.throughput,
	    NULL) != JMX_OK)
		goto fail;
	if (t.kind == JMX_PLAN_CONSTANT_TIMER) {
		t.period_s = 60;
		if (calc_mode(l, &e, it->node, &mode) != JMX_OK)
			goto fail;
		t.calc_mode = (int)mode;
		t.per_thread = mode == 0;
	} else if (double_field(l, &e, it->node, "throughputPeriod", 3600,
	    &t.period_s, NULL) != JMX_OK)
		goto fail;
	add_tput(l->plan, &t);
	return JMX_OK;
fail:
	free(t.name);
	return JMX_ERR_PLAN;
}

static enum jmx_code
load_csv(struct loader *l, const struct item *it)
{
	struct jmx_plan_csv *c;
	struct elinfo e;
	char *v;

	l->plan->csvs = xreallocarray(l->plan->csvs,
	    (size_t)l->plan->ncsvs + 1, sizeof *l->plan->csvs);
	c = &l->plan->csvs[l->plan->ncsvs++];
	memset(c, 0, sizeof *c);
	c->name = attr(it->node, "testname");
	if (c->name == NULL)
		c->name = xstrdup("");
	c->group = it->group;
	c->line = (int)xmlGetLineNo(it->node);
	e.cls = "CSVDataSet";
	e.name = c->name;
	e.line = c->line;
	/* A file name that cannot be resolved is kept as written. */
	if ((v = prop_text(it->node, "filename", NULL)) != NULL) {
		c->filename = resolve(&l->r, v);
		if (c->filename == NULL)
			c->filename = v;
		else
			free(v);
	} else
		c->filename = xstrdup("");
	c->share_mode = prop_text(it->node, "shareMode", NULL);
	if (c->share_mode == NULL || *c->share_mode == '\0') {
		free(c->share_mode);
		c->share_mode = xstrdup("shareMode.all");
	}
	c->variable_names = prop_text(it->node, "variableNames", NULL);
	if (c->variable_names == NULL)
		c->variable_names = xstrdup("");
	c->delimiter = prop_text(it->node, "delimiter", NULL);
	if (c->delimiter == NULL || *c->delimiter == '\0') {
		free(c->delimiter);
		c->delimiter = xstrdup(",");
	}
	if (bool_field(l, &e, it->node, "ignoreFirstLine", 0,
	    &c->ignore_first_line) != JMX_OK ||
	    bool_field(l, &e, it->node, "quotedData", 0,
	    &c->quoted) != JMX_OK ||
	    bool_field(l, &e, it->node, "recycle", 0, &c->recycle) != JMX_OK)
		return JMX_ERR_PLAN;
	c->has_header = c->ignore_first_line ||
	    c->variable_names[strspn(c->variable_names, " \t")] == '\0';
	return JMX_OK;
}

static void
free_resolver(struct resolver *r)
{
	int i;

	for (i = 0; i < r->nvars; i++) {
		free(r->vars[i].name);
		free(r->vars[i].value);
	}
	free(r->vars);
}

/* The first XML error of a parse: later ones are consequences. */
struct xml_first {
	int		 set;
	int		 line;
	char		 msg[200];
};

static void
keep_first(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = data;
	struct xml_first *first = ctxt->_private;
	size_t n;

	if (first == NULL || first->set || e == NULL)
		return;
	first->set = 1;
	first->line = e->line;
	snprintf(first->msg, sizeof first->msg, "%s", e->message != NULL ?
	    e->message : "not well-formed XML");
	n = strlen(first->msg);
	while (n > 0 && isspace((unsigned char)first->msg[n - 1]))
		first->msg[--n] = '\0';
}

/* Parse data; on a syntax error say where (libxml2 prints nothing). */
/* libxml2's generic error handler, silenced (the library never prints). */
static void
quiet(void *ctx, const char *fmt, ...)
{
}

static xmlDocPtr
parse(const char *path, const char *data, size_t len, struct jmx_err *err)
{
	struct xml_first first;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;

	memset(&first, 0, sizeof first);
	if ((ctxt = xmlNewParserCtxt()) == NULL) {
		jmx_err_set(err, JMX_ERR_PLAN, "plan '%s': cannot parse",
		    path);
		return NULL;
	}
	ctxt->_private = &first;
	ctxt->sax->serror = keep_first;
	xmlSetGenericErrorFunc(NULL, quiet);	/* encoding errors */
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, path, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_BIG_LINES);
	xmlSetGenericErrorFunc(NULL, NULL);
	if (doc == NULL || !ctxt->wellFormed) {
		jmx_err_set(err, JMX_ERR_PLAN, "plan '%s': line %d: %s", path,
		    first.line, first.set ? first.msg : "not well-formed XML");
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

/* Does a serialised plan parse back as well-formed XML? */
static int
reads_back(const xmlChar *mem, int size)
{
	xmlDocPtr doc;

	doc = xmlReadMemory((const char *)mem, size, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlFreeDoc(doc);
	return doc != NULL;
}

enum jmx_code
jmx_plan_load(const char *path, const struct jmx_prop *props, int nprops,
    struct jmx_plan **out, struct jmx_err *err)
{
	return jmx_plan_load_flags(path, props, nprops, 0, out, err);
}

enum jmx_code
jmx_plan_load_flags(const char *path, const struct jmx_prop *props,
    int nprops, int flags, struct jmx_plan **out, struct jmx_err *err)
{
	struct jmx_plan *plan;
	struct loader l;
	struct walk w;
	struct elinfo e;
	char *data, buf[256];
	size_t len;
	xmlDocPtr doc;
	int i, gi = 0, ti = 0;
	enum jmx_code rc;

	*out = NULL;
	if ((rc = jmx_read_file(path, &data, &len, err)) != JMX_OK) {
		jmx_err_prefix(err, "plan");
		return rc;
	}
	xmlInitParser();
	doc = parse(path, data, len, err);
	free(data);
	if (doc == NULL)
		return JMX_ERR_PLAN;

	plan = xcalloc(1, sizeof *plan);
	plan->path = xstrdup(path);
	plan->xml = xcalloc(1, sizeof *plan->xml);
	plan->xml->doc = doc;
	memset(&l, 0, sizeof l);
	l.plan = plan;
	l.err = err;
	l.r.props = props;
	l.r.nprops = props != NULL ? nprops : 0;
	l.flags = flags;

	memset(&w, 0, sizeof w);
	if (is_elem(xmlDocGetRootElement(doc), "node") ||
	    is_elem(xmlDocGetRootElement(doc), "testelement")) {
		/* JMeter 1.x's format: gone since JMeter 2.x's XStream. */
		rc = jmx_err_set(err, JMX_ERR_PLAN,
		    "plan '%s': in JMeter 1.x's format (<%s>), which JMeter "
		    "5.6 cannot load; open and save it in JMeter 2.x first",
		    path, (const char *)xmlDocGetRootElement(doc)->name);
		goto fail;
	}
	if (walk_doc(doc, &w) == -1 || w.tree == NULL) {
		rc = jmx_err_set(err, JMX_ERR_PLAN,
		    "plan '%s': not a JMeter test plan (no jmeterTestPlan "
		    "with a TestPlan)", path);
		goto fail;
	}
	/* Variables first: a group may use one defined after it. */
	for (i = 0; i < w.nitems; i++) {
		if (w.items[i].type == IT_TESTPLAN && plan->name == NULL) {
			plan->name = attr(w.items[i].node, "testname");
			plan->serialize = 0;
			e.cls = "TestPlan";
			e.name = plan->name != NULL ? plan->name : "";
			e.line = (int)xmlGetLineNo(w.items[i].node);
			if ((rc = bool_field(&l, &e, w.items[i].node,
			    "TestPlan.serialize_threadgroups", 0,
			    &plan->serialize)) != JMX_OK)
				goto fail;
			add_vars(&l.r, find_prop(w.items[i].node,
			    "TestPlan.user_defined_variables"));
		} else if (w.items[i].type == IT_ARGS)
			add_vars(&l.r, w.items[i].node);
	}
	if (plan->name == NULL)
		plan->name = xstrdup("");
	plan->groups = xcalloc((size_t)w.ngroups + 1, sizeof *plan->groups);
	plan->xml->timer_tput = xcalloc((size_t)w.nitems + 1, sizeof(int));
	for (i = 0; i < w.nitems; i++) {
		const struct item *it = &w.items[i];
		xmlChar *tn;

		switch (it->type) {
		case IT_GROUP:
			plan->ngroups++;
			rc = load_group(&l, it, gi++);
			break;
		case IT_UNSUPPORTED:
			tn = xmlGetProp(it->node, X("testname"));
			rc = jmx_err_set(err, JMX_ERR_UNSUPPORTED,
			    "plan '%s': line %ld: %s '%s': this thread group "
			    "cannot be divided between agents (jmx divides "
			    "JMeter's thread groups and jmeter-plugins' "
			    "Concurrency, Ultimate, Stepping, Arrivals and "
			    "Free-Form Arrivals); disable it or replace it",
			    path, xmlGetLineNo(it->node),
			    elem_class(it->node, buf, sizeof buf),
			    tn != NULL ? (const char *)tn : "");
			xmlFree(tn);
			break;
		case IT_TIMER:
			plan->xml->timer_tput[ti++] = plan->ntputs;
			rc = load_timer(&l, it);
			break;
		case IT_CSV:
			rc = load_csv(&l, it);
			break;
		case IT_TESTPLAN:
		case IT_ARGS:
			rc = JMX_OK;
			break;
		}
		if (rc != JMX_OK)
			goto fail;
	}
	/*
	 * Nothing would make load: JMeter would start, run setUp/tearDown
	 * if any, and end at once, a "completed" run with no samples.
	 */
	for (i = 0; i < plan->ngroups; i++)
		if (plan->groups[i].enabled &&
		    (plan->groups[i].kind == JMX_PLAN_THREADS ||
		    plan->groups[i].kind == JMX_PLAN_OPEN_MODEL))
			break;
	if (i == plan->ngroups) {
		rc = jmx_err_set(err, JMX_ERR_PLAN, "plan '%s': the plan has "
		    "no enabled thread group", path);
		goto fail;
	}
	plan->xml->ntimers = ti;
	free(w.items);
	free_resolver(&l.r);
	*out = plan;
	return JMX_OK;
fail:
	free(w.items);
	free_resolver(&l.r);
	jmx_plan_free(plan);
	return rc;
}

void
jmx_plan_free(struct jmx_plan *plan)
{
	int i;

	if (plan == NULL)
		return;
	for (i = 0; i < plan->ngroups; i++) {
		free(plan->groups[i].name);
		free(plan->groups[i].schedule);
		free(plan->groups[i].counts);
	}
	for (i = 0; i < plan->nneeds; i++)
		free(plan->needs[i].what);
	free(plan->needs);
	free(plan->groups);
	for (i = 0; i < plan->ntputs; i++)
		free(plan->tputs[i].name);
	free(plan->tputs);
	for (i = 0; i < plan->ncsvs; i++) {
		free(plan->csvs[i].name);
		free(plan->csvs[i].filename);
		free(plan->csvs[i].share_mode);
		free(plan->csvs[i].variable_names);
		free(plan->csvs[i].delimiter);
	}
	free(plan->csvs);
	if (plan->xml != NULL) {
		xmlFreeDoc(plan->xml->doc);
		free(plan->xml->timer_tput);
		free(plan->xml);
	}
	free(plan->path);
	free(plan->name);
	free(plan);
}

/* ---- writing ---- */

/*
 * JMeter writes an empty string property as <stringProp ..></stringProp>
 * and every other empty element as <x/>; libxml2 writes <x/> for all.
 * An empty text child keeps JMeter's form, so untouched parts of a plan
 * come out as they went in.
 */
static void
keep_empty_strings(xmlNodePtr n)
{
	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (n->children == NULL && is_elem(n, "stringProp"))
			xmlAddChild(n, xmlNewText(X("")));
		else
			keep_empty_strings(n->children);
	}
}

/* A double as Java would read it back: shortest exact form, "20.0". */
static void
fmt_double(char *buf, size_t len, double v)
{
	int prec;

	for (prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (strpbrk(buf, ".eEni") == NULL)
		strncat(buf, ".0", len - strlen(buf) - 1);
}

/* Does property name of el hold an expression? */
static int
has_expr(xmlNodePtr el, const char *name)
{
	char *t = prop_text(el, name, NULL);
	int e = t != NULL && strstr(t, "${") != NULL;

	free(t);
	return e;
}

/* Write a resolved integer over an expression (numbers are left alone). */
static void
settle_int(xmlNodePtr el, const char *name, int64_t v)
{
	char buf[32];

	if (el == NULL || !has_expr(el, name))
		return;
	snprintf(buf, sizeof buf, "%lld", (long long)v);
	set_text(find_prop(el, name), buf);
}

static void
set_count(xmlNodePtr p, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%lld", (long long)v);
	set_text(p, buf);
}

/* Remove node n with the white space before it. */
static void
drop_node(xmlNodePtr n)
{
	xmlNodePtr prev = n->prev;

	if (prev != NULL && prev->type == XML_TEXT_NODE) {
		xmlUnlinkNode(prev);
		xmlFreeNode(prev);
	}
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}

/*
 * Multiply cells [0, ncells) of every row of table pname by scale (the
 * rates of Free-Form Arrivals and the Throughput Shaping Timer).
 */
static void
scale_rows(xmlNodePtr el, const char *pname, int ncells, double scale)
{
	xmlNodePtr rows[1024], cells[8];
	xmlChar *x;
	char buf[64];
	double d;
	int i, k, n;

	n = children(find_prop(el, pname), rows, 1024);
	for (i = 0; i < n && i < 1024; i++) {
		children(rows[i], cells, 8);
		for (k = 0; k < ncells; k++) {
			x = xmlNodeGetContent(cells[k]);
			d = x != NULL ? strtod((const char *)x, NULL) : 0;
			xmlFree(x);
			fmt_double(buf, sizeof buf, d * scale);
			set_text(cells[k], buf);
		}
	}
}

/*
 * A share's slice of a plugin group's units: as the split set it, else
 * (a part divided on failover) its threads, or its scale of the units.
 */
static void
share_slice(const struct jmx_plan_group *g, const struct jmx_plan_gshare *gs,
    int64_t *first, int64_t *len)
{
	*first = gs->first;
	*len = gs->len;
	if (gs->first > 0 || gs->len > 0)
		return;
	if (g->kind == JMX_PLAN_THREADS)
		*len = gs->threads;
	else if (gs->scale > 0)
		*len = (int64_t)floor((double)g->units * gs->scale + 0.5);
	if (*len < 1 && (gs->threads > 0 || gs->scale > 0))
		*len = 1;
}

/*
 * A count of a plugin group on this share; a count that was not 0 stays
 * at least 1 (0 often means "no limit" or "never").
 */
static int64_t
share_count(const struct jmx_plan_group *g, int64_t q, int64_t first,
    int64_t len)
{
	int64_t v = jmx_plan_slice(q, g->units, first, len);

	return v < 1 && q > 0 ? 1 : v;
}

/* One share of a jmeter-plugins thread group. */
static void
write_plugin_group(const struct jmx_plan_group *g,
    const struct jmx_plan_gshare *gs, xmlNodePtr el)
{
	xmlNodePtr rows[4096], cells[8], p;
	int64_t first, len, v;
	size_t k;
	int i, n;

	share_slice(g, gs, &first, &len);
	if ((g->kind == JMX_PLAN_THREADS && gs->threads <= 0) ||
	    (g->kind == JMX_PLAN_OPEN_MODEL && (gs->scale <= 0 ||
	    (g->variant == JMX_PLAN_ARRIVALS && len <= 0)))) {
		xmlSetProp(el, X("enabled"), X("false"));
		return;
	}
	switch (g->variant) {
	case JMX_PLAN_CORE:
		break;
	case JMX_PLAN_CONCURRENCY:
		put_prop(el, "stringProp", "TargetLevel", "");
		set_count(find_prop(el, "TargetLevel"), gs->threads);
		break;
	case JMX_PLAN_STEPPING:
		put_prop(el, "stringProp", "ThreadGroup.num_threads", "");
		set_count(find_prop(el, "ThreadGroup.num_threads"),
		    gs->threads);
		for (k = 0; k < (size_t)g->ncounts; k++)
			if ((p = find_prop(el, stepping_counts[k])) != NULL)
				set_count(p, k == 1 ? jmx_plan_slice(
				    g->counts[k], g->units, first, len) :
				    share_count(g, g->counts[k], first, len));
		break;
	case JMX_PLAN_ULTIMATE:
		n = children(find_prop(el, "ultimatethreadgroupdata"), rows,
		    4096);
		for (i = 0; i < n && i < 4096 && i < g->ncounts; i++) {
			v = jmx_plan_slice(g->counts[i], g->units, first, len);
			if (v <= 0) {
				drop_node(rows[i]);
				continue;
			}
			children(rows[i], cells, 8);
			set_count(cells[0], v);
		}
		break;
	case JMX_PLAN_ARRIVALS:
	case JMX_PLAN_FREEFORM:
		if (g->variant == JMX_PLAN_ARRIVALS) {
			put_prop(el, "stringProp", "TargetLevel", "");
			set_count(find_prop(el, "TargetLevel"), len);
		} else
			scale_rows(el, "Schedule", 2, gs->scale);
		for (k = 0; k < (size_t)g->ncounts; k++) {
			if ((p = find_prop(el, arrivals_counts[k])) == NULL ||
			    g->counts[k] <= 0)
				continue;
			if (g->units > 0)
				v = share_count(g, g->counts[k], first, len);
			else {
				v = (int64_t)floor((double)g->counts[k] *
				    gs->scale + 0.5);
				v = v < 1 ? 1 : v;
			}
			set_count(p, v);
		}
		break;
	}
}

/* Set name to a ${__P()} expression: a stringProp, whatever it was. */
static void
put_expr(xmlNodePtr el, const char *name, const char *expr)
{
	xmlNodePtr p = find_prop(el, name);

	if (p != NULL)
		xmlNodeSetName(p, X("stringProp"));
	put_prop(el, "stringProp", name, expr);
}

/*
 * A warm spare's group (share->warm): its threads, and for a main group
 * its ramp-up and duration, are properties the sync group sets from the
 * release file (JMeter reads them when the group starts, after setUp).
 */
static void
write_warm_group(const struct jmx_plan_group *g, int gi, xmlNodePtr el)
{
	xmlNodePtr lc = find_prop(el, "ThreadGroup.main_controller");
	char buf[96];

	snprintf(buf, sizeof buf, "${__P(" JMX_PLAN_WARM_THREADS "%d,0)}", gi);
	put_expr(el, "ThreadGroup.num_threads", buf);
	settle_int(el, "ThreadGroup.delay", g->delay_s);
	if (g->kind != JMX_PLAN_THREADS) {
		settle_int(el, "ThreadGroup.ramp_time", g->ramp_s);
		settle_int(el, "ThreadGroup.duration", g->duration_s);
		settle_int(lc, "LoopController.loops", g->loops);
		return;
	}
	put_expr(el, "ThreadGroup.ramp_time",
	    "${__P(" JMX_PLAN_WARM_RAMP ",0)}");
	put_prop(el, "boolProp", "ThreadGroup.scheduler", "true");
	put_expr(el, "ThreadGroup.duration",
	    "${__P(" JMX_PLAN_WARM_DURATION ",1)}");
	if (lc != NULL) {
		put_prop(lc, "stringProp", "LoopController.loops", "-1");
		put_prop(lc, "boolProp", "LoopController.continue_forever",
		    "false");
	}
}

/*
 * Write main group gi's share.  With lead (early start, see
 * JMX_PLAN_LEAD_MS) a core ThreadGroup's start-up delay becomes property
 * JMX_PLAN_DELAY_PROP<gi>, its own delay unless the sync group sets it
 * (the statement doing that is added to lead).
 */
static void
write_group(const struct jmx_plan_group *g, int gi,
    const struct jmx_plan_gshare *gs, const struct jmx_plan_share *share,
    struct jmx_buf *lead, xmlNodePtr el)
{
	xmlNodePtr lc = find_prop(el, "ThreadGroup.main_controller");
	struct jmx_buf b = { 0 };
	char buf[64];
	int is_main = g->kind == JMX_PLAN_THREADS;

	if (g->variant != JMX_PLAN_CORE) {
		write_plugin_group(g, gs, el);
		return;
	}
	if (g->kind == JMX_PLAN_OPEN_MODEL) {
		if (gs->scale <= 0) {
			xmlSetProp(el, X("enabled"), X("false"));
			return;
		}
		scan_schedule(g->schedule, gs->scale, &b, NULL, NULL);
		put_prop(el, "stringProp", "OpenModelThreadGroup.schedule",
		    b.data != NULL ? b.data : "");
		jmx_buf_free(&b);
		return;
	}
	if (gs->threads <= 0) {
		xmlSetProp(el, X("enabled"), X("false"));
		return;
	}
	snprintf(buf, sizeof buf, "%d", gs->threads);
	put_prop(el, "intProp", "ThreadGroup.num_threads", buf);
	settle_int(el, "ThreadGroup.ramp_time", g->ramp_s);
	settle_int(el, "ThreadGroup.duration", g->duration_s);
	settle_int(el, "ThreadGroup.delay", g->delay_s);
	settle_int(lc, "LoopController.loops", g->loops);
	if (is_main && share->ramp_set) {
		snprintf(buf, sizeof buf, "%lld", (long long)share->ramp_s);
		put_prop(el, "intProp", "ThreadGroup.ramp_time", buf);
	}
	if (is_main && share->duration_s > 0) {
		put_prop(el, "boolProp", "ThreadGroup.scheduler", "true");
		snprintf(buf, sizeof buf, "%lld",
		    (long long)share->duration_s);
		put_prop(el, "stringProp", "ThreadGroup.duration", buf);
		if (lc != NULL) {
			put_prop(lc, "stringProp", "LoopController.loops",
			    "-1");
			put_prop(lc, "boolProp",
			    "LoopController.continue_forever", "false");
		}
	}
	if (is_main && lead != NULL) {
		snprintf(buf, sizeof buf, "${__P(" JMX_PLAN_DELAY_PROP
		    "%d,%lld)}", gi, (long long)g->delay_s);
		put_expr(el, "ThreadGroup.delay", buf);
		jmx_buf_addf(lead, "props['" JMX_PLAN_DELAY_PROP "%d'] = "
		    "'%lld'; ", gi,
		    (long long)g->delay_s + JMX_PLAN_LEAD_MS / 1000);
	}
}

static void
write_timer(const struct jmx_plan_tput *t, double scale, xmlNodePtr el)
{
	char buf[64];

	if (t->per_thread)
		scale = 1;
	if (t->kind == JMX_PLAN_SHAPING_TIMER) {
		if (scale != 1)
			scale_rows(el, "load_profile", 2, scale);
		return;
	}
	if (scale == 1 && !has_expr(el, "throughput"))
		return;
	fmt_double(buf, sizeof buf, t->throughput * scale);
	/* A new property is a stringProp: doubleProp has no name="". */
	put_prop(el, "stringProp", "throughput", buf);
	if (t->kind == JMX_PLAN_PRECISE_TIMER &&
	    has_expr(el, "throughputPeriod")) {
		fmt_double(buf, sizeof buf, t->period_s);
		put_prop(el, "stringProp", "throughputPeriod", buf);
	}
}

/*
 * The injected setUp group: one thread, one loop, one Flow Control Action
 * (TestAction: it records no sample) pausing until T0.  JMeter starts the
 * main groups only when every setUp group is done.
 *
 * The pause is a __groovy function in the action's duration, so it is
 * computed when the action runs, after every timer in scope: plan-level
 * timers apply to this sampler too, and with the wait in a JSR223 Timer
 * their delays were added to it (verified with JMeter 5.6.3: a plan-level
 * Precise Throughput Timer made agents start up to 1.4 s after T0; with
 * this form they start within a few milliseconds of it).
 *
 * The handshake (agent.c): write jmx.ready in the working directory on
 * reaching the wait, then take T0 from property jmx.t0 or, failing that,
 * wait for the first line of the file jmx.t0 to hold a number; its
 * later lines, name=value, are set as properties (a warm spare's
 * threads and time left, read when the main groups start).  No commas: they would split
 * the function's arguments.
 *
 * Whatever a cold JVM does for the first time after T0 delays that agent
 * alone, by a different amount on each (measured with JMeter 5.6.3 on a
 * loaded host: 100 to 500 ms), so it is done before jmx.ready:
 * - the code that reads T0 and computes the pause runs once on the ready
 *   file (its first run took 100 to 250 ms after T0 was written);
 * - with share->warm_up and HTTP samplers in the plan, one throwaway HTTP
 *   sample (a connection refused by the agent's own loopback, discard
 *   port; it reaches no listener and no result file) loads the HTTP
 *   client, whose first use otherwise came inside the first sample;
 * - with an early start (plan.h, JMX_PLAN_LEAD_MS) the main groups'
 *   threads are made: a T0 read at least the lead ahead ends the wait
 *   that much early and sets each group's delay property (SYNC_LEAD),
 *   when the plan's own setUp threads are done by then (T0's arrival).
 */
#define SYNC_WARM_HTTP \
	"try { def w = new org.apache.jmeter.protocol.http.sampler." \
	"HTTPSamplerProxy(); w.setDomain('127.0.0.1'); w.setPort(9); " \
	"w.setPath('/'); w.setMethod('GET'); w.setConnectTimeout('500'); " \
	"w.sample() } catch (Throwable e) { }; "
#define SYNC_WAIT \
	"def rd = { File x -&gt; x.exists() ? x.text.trim() : '' }; " \
	"def hd = { String x -&gt; x.readLines() ? x.readLines()[0].trim() : " \
	"'' }; " \
	"def num = { String x -&gt; x.isLong() ? Long.parseLong(x) : -1L }; " \
	"def setp = { String x -&gt; x.readLines().drop(1).each { String l " \
	"-&gt; int i = l.indexOf('='); if (i &gt; 0) " \
	"props[l.take(i).trim()] = l.drop(i + 1).trim() } }; " \
	"def left = { long x -&gt; x - System.currentTimeMillis() }; " \
	"def f = new File('" JMX_PLAN_SYNC_PROP "'); " \
	"def r = new File('" JMX_PLAN_READY_FILE "'); r.text = 'ready'; " \
	"long t = left(num(hd(rd(r))) + num('0')); setp(rd(r)); " \
	"log.info('jmx-sync: ready'); " \
	"def p = props.get('" JMX_PLAN_SYNC_PROP "'); String s = ''; " \
	"while (p == null &amp;&amp; (t = num(hd(s = rd(f)))) &lt; 0) " \
	"Thread.sleep(10); " \
	"if (p == null) setp(s); " \
	"long z = p != null ? num(p.trim()) : t; long d = left(z); " \
	"log.info('jmx-sync: T0 in ' + d + ' ms'); "
/*
 * With early start: unless a setUp thread of the plan's own is still
 * running (the main groups start only after it, and a lead then could
 * put them up to the lead late), set the groups' delays and take the
 * lead off the wait.  Decided as T0 arrives: Groovy code run for the
 * first time after a sleep came 15 to 50 ms late on the loaded bed.
 */
#define SYNC_CTX	"org.apache.jmeter.threads.JMeterContextService"
#define SYNC_LEAD \
	"if (d &gt;= %d) { if (" SYNC_CTX ".getThreadCounts()." \
	"finishedThreads &gt;= " SYNC_CTX ".getTotalThreads() - 1) { %s" \
	"log.info('jmx-sync: threads made %d ms early'); " \
	"d = left(z) - %d } else { " \
	"log.info('jmx-sync: setUp threads running: no early start'); " \
	"d = left(z) } }; "
#define SYNC_END	"d &gt; 0 ? d : 0"

/* SYNC_DURATION stands for the action's duration, written at run time. */
#define SYNC_DURATION	"@duration@"
static const char *sync_lines[] = {
	"<SetupThreadGroup guiclass=\"SetupThreadGroupGui\" "
	    "testclass=\"SetupThreadGroup\" testname=\"" JMX_PLAN_SYNC_GROUP
	    "\">",
	"  <intProp name=\"ThreadGroup.num_threads\">1</intProp>",
	"  <intProp name=\"ThreadGroup.ramp_time\">0</intProp>",
	"  <boolProp name=\"ThreadGroup.same_user_on_next_iteration\">true"
	    "</boolProp>",
	"  <stringProp name=\"ThreadGroup.on_sample_error\">continue"
	    "</stringProp>",
	"  <elementProp name=\"ThreadGroup.main_controller\" "
	    "elementType=\"LoopController\" guiclass=\"LoopControlPanel\" "
	    "testclass=\"LoopController\" testname=\"Loop Controller\">",
	"    <stringProp name=\"LoopController.loops\">1</stringProp>",
	"    <boolProp name=\"LoopController.continue_forever\">false"
	    "</boolProp>",
	"  </elementProp>",
	"  <boolProp name=\"ThreadGroup.scheduler\">false</boolProp>",
	"</SetupThreadGroup>",
	"<hashTree>",
	"  <TestAction guiclass=\"TestActionGui\" testclass=\"TestAction\" "
	    "testname=\"jmx-sync-wait\">",
	"    <intProp name=\"ActionProcessor.action\">1</intProp>",
	"    <intProp name=\"ActionProcessor.target\">0</intProp>",
	SYNC_DURATION,
	"  </TestAction>",
	"  <hashTree/>",
	"</hashTree>",
	NULL
};

/*
 * Put the sync group after the last setUp group (with
 * serialize_threadgroups the setUp groups run in order, and the wait
 * must come last), else before the first thread group.
 */
/* Is there an enabled element of class cls (short name) under n? */
static int
has_class(xmlNodePtr n, const char *cls)
{
	char buf[256];

	for (n = n->children; n != NULL; n = n->next) {
		if (!is_elem(n, NULL) || attr_is_false(n, "enabled"))
			continue;
		if (strcmp(short_class(elem_class(n, buf, sizeof buf)),
		    cls) == 0 || has_class(n, cls))
			return 1;
	}
	return 0;
}

static enum jmx_code
inject_sync(xmlNodePtr tree, int warm_up, const struct jmx_buf *lead,
    struct jmx_err *err)
{
	xmlNodePtr n, ref = NULL, first_group = NULL, last_setup = NULL;
	xmlNodePtr list = NULL, next, trail = NULL;
	struct jmx_buf b = { 0 }, indent = { 0 };
	char buf[256];
	const char *cls;
	int i;

	for (n = tree->children; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE && indent.len == 0 &&
		    n->next != NULL && n->next->type == XML_ELEMENT_NODE) {
			const char *t = (const char *)n->content;
			const char *nl = strrchr(t, '\n');

			jmx_buf_adds(&indent, nl != NULL ? nl + 1 : "");
		}
		if (n->type != XML_ELEMENT_NODE || is_elem(n, "hashTree"))
			continue;
		cls = short_class(elem_class(n, buf, sizeof buf));
		if (strlen(cls) >= 11 &&
		    strcmp(cls + strlen(cls) - 11, "ThreadGroup") == 0 &&
		    first_group == NULL)
			first_group = n;
		if (strcmp(cls, "SetupThreadGroup") == 0)
			last_setup = n;
	}
	if (last_setup != NULL) {
		ref = next_elem(last_setup);
		if (ref != NULL && is_elem(ref, "hashTree"))
			ref = next_elem(ref);
	} else
		ref = first_group;

	for (i = 0; sync_lines[i] != NULL; i++) {
		if (i > 0)
			jmx_buf_add(&b, indent.data, indent.len);
		if (strcmp(sync_lines[i], SYNC_DURATION) == 0) {
			jmx_buf_adds(&b, "    <stringProp "
			    "name=\"ActionProcessor.duration\">${__groovy(");
			if (warm_up && has_class(tree, "HTTPSamplerProxy"))
				jmx_buf_adds(&b, SYNC_WARM_HTTP);
			jmx_buf_adds(&b, SYNC_WAIT);
			if (lead->len > 0)
				jmx_buf_addf(&b, SYNC_LEAD, JMX_PLAN_LEAD_MS,
				    lead->data, JMX_PLAN_LEAD_MS,
				    JMX_PLAN_LEAD_MS);
			jmx_buf_adds(&b, SYNC_END ")}</stringProp>");
		} else
			jmx_buf_adds(&b, sync_lines[i]);
		jmx_buf_addc(&b, '\n');
	}
	jmx_buf_add(&b, indent.data, indent.len);
	if (xmlParseInNodeContext(tree, b.data, (int)b.len,
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING, &list) != XML_ERR_OK ||
	    list == NULL) {
		jmx_buf_free(&b);
		jmx_buf_free(&indent);
		xmlFreeNodeList(list);
		return jmx_err_set(err, JMX_ERR_PLAN,
		    "cannot build the sync start group");
	}
	jmx_buf_free(&b);
	if (ref == NULL) {
		/* At the end: keep the closing indentation last. */
		if (tree->last != NULL && tree->last->type == XML_TEXT_NODE) {
			trail = tree->last;
			xmlUnlinkNode(trail);
		}
		n = xmlNewText(X("\n"));
		xmlNodeAddContent(n, X(indent.data != NULL ? indent.data : ""));
		xmlAddChild(tree, n);
	}
	for (n = list; n != NULL; n = next) {
		next = n->next;
		xmlUnlinkNode(n);
		if (ref != NULL)
			xmlAddPrevSibling(ref, n);
		else if (next == NULL && n->type == XML_TEXT_NODE)
			xmlFreeNode(n);		/* the trailing indent */
		else
			xmlAddChild(tree, n);
	}
	if (trail != NULL)
		xmlAddChild(tree, trail);
	jmx_buf_free(&indent);
	return JMX_OK;
}

/*
 * A plan-level Throughput Shaping Timer applies to the injected sync
 * group's sampler too, and starts its load profile at its first sample:
 * at the sync wait, not at T0, so each agent's profile would be cut short
 * by its wait.  With one main group running here, the timer is moved
 * into that group (the same samplers, less the sync one); with several it
 * stays (it paces them together).
 */
static void
move_shapers(const struct jmx_plan *plan, const struct jmx_plan_share *share,
    const struct walk *w)
{
	xmlNodePtr group = NULL, tree, sub;
	int i, gi = 0, ti = 0, n = 0;
	const struct jmx_plan_tput *t;

	for (i = 0; i < w->nitems; i++) {
		if (w->items[i].type != IT_GROUP)
			continue;
		if (plan->groups[gi].enabled && jmx_plan_group_runs(plan,
		    share->groups, gi)) {
			group = w->items[i].node;
			n++;
		}
		gi++;
	}
	if (n != 1 || (tree = next_elem(group)) == NULL ||
	    !is_elem(tree, "hashTree"))
		return;
	for (i = 0; i < w->nitems; i++) {
		if (w->items[i].type != IT_TIMER)
			continue;
		t = &plan->tputs[plan->xml->timer_tput[ti++]];
		if (t->kind != JMX_PLAN_SHAPING_TIMER || t->group != -1)
			continue;
		sub = next_elem(w->items[i].node);
		xmlUnlinkNode(w->items[i].node);
		xmlAddChild(tree, w->items[i].node);
		if (sub != NULL && is_elem(sub, "hashTree")) {
			xmlUnlinkNode(sub);
			xmlAddChild(tree, sub);
		}
	}
}

int
jmx_plan_warm_group(const struct jmx_plan_group *g)
{
	return g->variant == JMX_PLAN_CORE && (g->kind == JMX_PLAN_THREADS ||
	    g->kind == JMX_PLAN_TEARDOWN);
}

int
jmx_plan_early_start(const struct jmx_plan *plan, int64_t duration_s)
{
	const struct jmx_plan_group *g;
	int i;

	if (plan->serialize)
		return 0;
	for (i = 0; i < plan->ngroups; i++) {
		g = &plan->groups[i];
		if (!g->enabled || g->kind == JMX_PLAN_SETUP ||
		    g->kind == JMX_PLAN_TEARDOWN)
			continue;
		if (g->kind != JMX_PLAN_THREADS || g->variant != JMX_PLAN_CORE)
			return 0;
		if (duration_s <= 0 && !(g->scheduler && g->duration_s > 0))
			return 0;
	}
	return 1;
}

int
jmx_plan_warm_ok(const struct jmx_plan *plan)
{
	int i;

	for (i = 0; i < plan->ngroups; i++)
		if (plan->groups[i].enabled &&
		    plan->groups[i].kind != JMX_PLAN_SETUP &&
		    !jmx_plan_warm_group(&plan->groups[i]))
			return 0;
	for (i = 0; i < plan->ntputs; i++)
		if (!plan->tputs[i].per_thread)
			return 0;
	return 1;
}

enum jmx_code
jmx_plan_write_share(const struct jmx_plan *plan,
    const struct jmx_plan_share *share, const char *path, struct jmx_err *err)
{
	xmlDocPtr doc;
	xmlChar *mem = NULL;
	struct walk w;
	struct jmx_buf lead = { 0 };
	const char *enc;
	int i, j, gi = 0, ti = 0, ci = 0, size = 0;
	int early = share->sync_start && !share->warm &&
	    jmx_plan_early_start(plan, share->duration_s);
	enum jmx_code rc = JMX_OK;
	double scale;

	if (share->ngroups != plan->ngroups)
		return jmx_err_set(err, JMX_ERR_USAGE,
		    "plan '%s': share has %d thread groups, plan has %d",
		    plan->path, share->ngroups, plan->ngroups);
	if ((doc = xmlCopyDoc(plan->xml->doc, 1)) == NULL)
		return jmx_err_set(err, JMX_ERR_PLAN,
		    "plan '%s': cannot copy the document", plan->path);
	walk_doc(doc, &w);
	for (i = 0; i < w.nitems; i++) {
		const struct item *it = &w.items[i];

		switch (it->type) {
		case IT_GROUP:
			if (plan->groups[gi].enabled && share->warm &&
			    jmx_plan_warm_group(&plan->groups[gi]))
				write_warm_group(&plan->groups[gi], gi,
				    it->node);
			else if (plan->groups[gi].enabled)
				write_group(&plan->groups[gi], gi,
				    &share->groups[gi], share,
				    early ? &lead : NULL, it->node);
			gi++;
			break;
		case IT_TIMER:
			j = plan->xml->timer_tput[ti++];
			scale = plan->tputs[j].group >= 0 ?
			    share->groups[plan->tputs[j].group].scale :
			    share->scale;
			write_timer(&plan->tputs[j], scale, it->node);
			break;
		case IT_CSV:
			for (j = 0; j < share->nrenames; j++)
				if (strcmp(share->renames[j].from,
				    plan->csvs[ci].filename) == 0) {
					put_prop(it->node, "stringProp",
					    "filename", share->renames[j].to);
					put_row_var(it->node,
					    share->renames[j].row_var);
					break;
				}
			ci++;
			break;
		case IT_TESTPLAN:
		case IT_UNSUPPORTED:
		case IT_ARGS:
			break;
		}
	}
	if (share->sync_start)
		move_shapers(plan, share, &w);
	if (share->sync_start && w.tree != NULL)
		rc = inject_sync(w.tree, share->warm_up, &lead, err);
	jmx_buf_free(&lead);
	free(w.items);
	keep_empty_strings(xmlDocGetRootElement(doc));
	if (rc == JMX_OK) {
		/*
		 * The plan's encoding when libxml2 knows it by name (UTF-8,
		 * UTF-16, ISO-8859-n, ...); else, and when what is written
		 * would not read back, UTF-8, which JMeter reads whatever the
		 * plan declared: UTF-7, say, reads but does not write back.
		 */
		enc = doc->encoding != NULL && xmlParseCharEncoding(
		    (const char *)doc->encoding) != XML_CHAR_ENCODING_ERROR ?
		    (const char *)doc->encoding : "UTF-8";
		/* A failed conversion would be printed: the library never does. */
		xmlSetGenericErrorFunc(NULL, quiet);
		xmlDocDumpMemoryEnc(doc, &mem, &size, enc);
		if (mem != NULL && !reads_back(mem, size)) {
			xmlFree(mem);
			mem = NULL;
			enc = "UTF-8";
			xmlDocDumpMemoryEnc(doc, &mem, &size, enc);
			if (mem != NULL && !reads_back(mem, size)) {
				xmlFree(mem);
				mem = NULL;
			}
		}
		xmlSetGenericErrorFunc(NULL, NULL);
		if (mem == NULL)
			rc = jmx_err_set(err, JMX_ERR_PLAN,
			    "plan '%s': cannot serialise in %s", plan->path,
			    enc);
		else
			rc = jmx_write_file(path, mem, (size_t)size, err);
	}
	xmlFree(mem);
	xmlFreeDoc(doc);
	return rc;
}
