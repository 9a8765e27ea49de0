/*
 * logtail.h: GET /logtail/NAME[/stdout|/stderr] and /mainlogtail, the
 * log streams of supervisord's HTTP server (supervisorctl tail -f, fg,
 * maintail -f).
 */
#ifndef SUPERVISOR_LOGTAIL_H
#define SUPERVISOR_LOGTAIL_H

#include <ev.h>

struct ctl_client;

void	logtail_init(struct ev_loop *loop);
void	logtail_http(struct ctl_client *c, const char *url);
void	logtail_client_gone(struct ctl_client *c);
void	logtail_client_drained(struct ctl_client *c);
void	logtail_free(void);

#endif
