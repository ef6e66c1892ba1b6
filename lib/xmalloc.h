/*
 * xmalloc.h: allocation that never returns NULL.  Out of memory is the one
 * failure the library handles by exiting, as tmux and OpenSSH do.
 */
#ifndef JMX_XMALLOC_H
#define JMX_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
