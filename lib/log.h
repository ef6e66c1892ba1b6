/*
 * log.h: diagnostics to stderr (or a log file).  stdout is for results.
 */
#ifndef JMX_LOG_H
#define JMX_LOG_H

enum jmx_log_level {
	JMX_LOG_ERROR = 0,
	JMX_LOG_WARN,
	JMX_LOG_INFO,
	JMX_LOG_DEBUG
};

/* Set the program name used as the prefix of every line. */
void	jmx_log_open(const char *progname);
/* Send further lines to path (appending) instead of stderr. */
int	jmx_log_file(const char *path);
void	jmx_log_set_level(enum jmx_log_level);
enum jmx_log_level jmx_log_get_level(void);
const char *jmx_log_progname(void);
void	jmx_log_close(void);

void	jmx_log(enum jmx_log_level, const char *func, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

#define log_error(...)	jmx_log(JMX_LOG_ERROR, __func__, __VA_ARGS__)
#define log_warn(...)	jmx_log(JMX_LOG_WARN, __func__, __VA_ARGS__)
#define log_info(...)	jmx_log(JMX_LOG_INFO, __func__, __VA_ARGS__)
#define log_debug(...)	jmx_log(JMX_LOG_DEBUG, __func__, __VA_ARGS__)

#endif
