/*
 * watch-screen.h: what jmx-watch's main (cmd/jmx-watch.c), its screen
 * (cmd/watch-screen.c, the only file that includes curses.h) and its
 * keys' commands (cmd/watch-command.c) share: the program's state.
 */
#ifndef JMX_WATCH_SCREEN_H
#define JMX_WATCH_SCREEN_H

#include <stdint.h>

#include "cli.h"
#include "control.h"

/* jmx-watch's state, one per program, freed on exit. */
struct watch {
	struct cli		 c;
	int			 plain;		/* --plain */
	int64_t			 interval_ms;	/* --interval */
	int64_t			 window_ms;	/* --window: charts' span */
	int64_t			 run;		/* RUN, or picked */
	char			 notice[160];	/* why this run, if picked */
	/* A command a key posted, until its answer came. */
	int64_t			 cmd;		/* 0: none waiting */
	enum jmx_control_verb	 cmd_verb;
	char			 msg[256];	/* the last answer or refusal */
};

/*
 * Ask the run's controller for verb (the keys p, r, s): checked against
 * the run's state, then posted through a writable handle opened for it
 * (the watcher's own handle stays read-only).  0 posted, -1 refused or
 * failed; w->msg says which.
 */
int	watch_command(struct watch *, enum jmx_control_verb);
/* Has the posted command been answered?  Then w->msg says how. */
void	watch_command_poll(struct watch *);

/* The full screen until q; returns the exit status. */
int	watch_screen(struct watch *);

#endif
