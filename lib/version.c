/* version.c: the toolkit's version and those of the libraries it links. */
#include "bundle.h"
#include "config.h"
#include "plan.h"
#include "ssh.h"
#include "store.h"
#include "stream.h"
#include "version.h"

const char *
jmx_version(void)
{
	return PACKAGE_VERSION;
}

void
jmx_version_libs(struct jmx_buf *b)
{
	jmx_buf_addf(b, "libssh2 %s, %s, %s, %s, %s, %s",
	    jmx_ssh_libversion(), jmx_store_libversion(),
	    jmx_config_libversion(), jmx_plan_libversion(),
	    jmx_bundle_libversion(), jmx_stream_libversion());
}
