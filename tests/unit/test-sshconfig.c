/*
 * test-sshconfig.c: lib/sshconfig.h, the ssh_config(5) subset: Host
 * patterns, first value wins, Match skipped, ProxyJump forms, tokens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "sshconfig.h"
#include "util.h"
#include "tap.h"

static const char conf[] =
    "# a comment\n"
    "IdentityFile ~/.ssh/global_%r\n"
    "\n"
    "Host agent-?  !agent-9\n"
    "    HostName 10.0.0.%h\n"
    "    User=loadtest\n"
    "    Port = 2222\n"
    "    ProxyJump jump@bastion:2200\n"
    "\n"
    "Host agent-*\n"
    "    User other\n"
    "    Port 22\n"
    "    IdentityFile \"/keys/agent key\"\n"
    "\n"
    "Match exec \"true\"\n"
    "    User fromMatch\n"
    "\n"
    "host BASTION\n"
    "\tHOSTNAME 198.18.0.200\n"
    "\tProxyJump none\n"
    "\n"
    "Host *\n"
    "    User everyone\n"
    "    ProxyJump fallback\n"
    "    ServerAliveInterval 10\n";

static void
lookup(const char *host, struct jmx_sshconf *c)
{
	struct jmx_err err;

	memset(&err, 0, sizeof err);
	if (jmx_sshconf_parse(conf, "cfg", host, c, &err) != JMX_OK)
		printf("# %s\n", err.msg);
}

static void
bad(const char *text, const char *want)
{
	struct jmx_sshconf c;
	struct jmx_err err;
	enum jmx_code code;

	memset(&err, 0, sizeof err);
	code = jmx_sshconf_parse(text, "f", "h", &c, &err);
	is_int(code, JMX_ERR_CONFIG, want);
	is_str(err.msg, want, want);
}

int
main(void)
{
	struct jmx_sshconf c;
	struct jmx_err err;
	char *u, *h, *s;
	int port;

	/* Patterns, first value wins, global lines first. */
	lookup("agent-1", &c);
	is_str(c.hostname, "10.0.0.%h", "HostName from the first block");
	is_str(c.user, "loadtest", "User=value form");
	is_int(c.port, 2222, "Port = value form, first wins over 22");
	is_str(c.identity_file, "~/.ssh/global_%r",
	    "IdentityFile before any Host applies to all, first wins");
	is_str(c.proxy_jump, "jump@bastion:2200", "ProxyJump");
	jmx_sshconf_clear(&c);

	lookup("agent-9", &c);
	is_str(c.hostname, NULL, "!agent-9 vetoes the first block");
	is_str(c.user, "other", "second block's User");
	is_int(c.port, 22, "second block's Port");
	is_str(c.proxy_jump, "fallback", "Host * ProxyJump");
	jmx_sshconf_clear(&c);

	lookup("AGENT-10", &c);
	is_str(c.user, "other", "'?' is one character; match ignores case");
	jmx_sshconf_clear(&c);

	lookup("bastion", &c);
	is_str(c.hostname, "198.18.0.200", "keywords in any case");
	is_str(c.user, "everyone", "Match block never applies");
	is_str(c.proxy_jump, NULL, "ProxyJump none stops Host *");
	jmx_sshconf_clear(&c);

	lookup("elsewhere", &c);
	is_str(c.hostname, NULL, "no HostName for an unknown host");
	is_str(c.user, "everyone", "Host * applies");
	is_int(c.port, 0, "no Port: 0");
	jmx_sshconf_clear(&c);

	ok(jmx_sshconf_match("a*,b?", "bx"), "comma-separated patterns");
	ok(!jmx_sshconf_match("*.example.com", "example.com"),
	    "'*.' needs the dot");
	ok(jmx_sshconf_match("**", ""), "'**' matches empty");

	bad("Host h\n  Port 0\n", "f:2: Port must be from 1 to 65535, got '0'");
	bad("Host h\n\n  User \"x\n", "f:3: unterminated quote in 'User'");
	bad("HostName\n", "f:1: 'HostName' needs a value");

	/* Missing file: nothing said, no error. */
	memset(&err, 0, sizeof err);
	is_int(jmx_sshconf_load("/nonexistent/jmx/ssh_config", "h", &c, &err),
	    JMX_OK, "a missing file is no error");
	is_str(c.user, NULL, "and says nothing");

	/* ProxyJump forms. */
	is_int(jmx_sshconf_jump("u@j:2200", &u, &h, &port, &err), JMX_OK,
	    "user@host:port");
	ok(strcmp(u, "u") == 0 && strcmp(h, "j") == 0 && port == 2200,
	    "split into u, j, 2200");
	free(u);
	free(h);
	is_int(jmx_sshconf_jump("ssh://jump", &u, &h, &port, &err), JMX_OK,
	    "ssh://host");
	ok(u == NULL && strcmp(h, "jump") == 0 && port == 0,
	    "no user, no port");
	free(h);
	is_int(jmx_sshconf_jump("a,b", &u, &h, &port, &err),
	    JMX_ERR_UNSUPPORTED, "a chain is not supported");
	is_str(err.msg, "ProxyJump 'a,b': only one jump host is supported",
	    "and says so");
	is_int(jmx_sshconf_jump("j:x", &u, &h, &port, &err), JMX_ERR_CONFIG,
	    "a bad port");
	is_int(jmx_sshconf_jump("@j", &u, &h, &port, &err), JMX_ERR_CONFIG,
	    "an empty user");

	/* Tokens. */
	s = jmx_sshconf_expand("~/.ssh/id_%r@%h%%%u%x", "/home/me", "h1",
	    "me", "root");
	is_str(s, "/home/me/.ssh/id_root@h1%me%x", "~ %r %h %% %u, %x kept");
	free(s);
	s = jmx_sshconf_expand("~other/k", "/home/me", "h", "me", "r");
	is_str(s, "~other/k", "~user is left alone");
	free(s);
	return done_testing();
}
