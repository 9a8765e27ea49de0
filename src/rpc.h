/*
 * rpc.h: supervisord's HTTP interface on the control socket and on
 * [inet_http_server]: the XML-RPC methods of its supervisor. and system.
 * namespaces (POST /RPC2) and the log streams (GET /logtail/NAME,
 * /mainlogtail).
 */
#ifndef SUPERVISOR_RPC_H
#define SUPERVISOR_RPC_H

#include <ev.h>
#include <stddef.h>
#include <sys/types.h>

struct ctl_client;

void	rpc_init(struct ev_loop *loop, pid_t main_pid,
	    void (*shutdown)(const char *why));
void	rpc_http(struct ctl_client *c, const char *method, const char *url,
	    const char *body, size_t len);
void	rpc_client_gone(struct ctl_client *c);
/* Where sendRemoteCommEvent's events go (the events module's). */
void	rpc_set_remote_comm(void (*fn)(const char *type, const char *data));
void	rpc_free(void);

#endif
