/* version.h: the toolkit's version and the versions of its libraries. */
#ifndef JMX_VERSION_H
#define JMX_VERSION_H

#include "util.h"

/* "0.1.0" */
const char	*jmx_version(void);
/* Append "libssh2 1.10.0, SQLite 3.40.1, ..." to b. */
void		 jmx_version_libs(struct jmx_buf *b);

#endif
