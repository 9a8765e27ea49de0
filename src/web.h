/*
 * web.h: the web page on the HTTP server ([inet_http_server] and the
 * control socket): GET / and its assets, GET /events (live changes),
 * POST /action, GET /log/GROUP:NAME/stdout|stderr.
 */
#ifndef SUPERVISOR_WEB_H
#define SUPERVISOR_WEB_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>

struct ctl_client;

void	web_init(struct ev_loop *loop);
/* False: not one of the page's paths (someone else answers). */
bool	web_http(struct ctl_client *c, const char *method, const char *url,
	    const char *body, size_t len);
void	web_client_gone(struct ctl_client *c);
bool	web_client_drained(struct ctl_client *c);
void	web_unquote(char *s);
void	web_free(void);

#endif
