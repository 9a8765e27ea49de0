/*
 * metrics.h: GET /metrics (Prometheus's text format) and GET /healthz
 * (200 when every autostart process runs, else 503 and the list).
 */
#ifndef SUPERVISOR_METRICS_H
#define SUPERVISOR_METRICS_H

#include <stdbool.h>

struct ctl_client;
struct strbuf;

void	metrics_init(void);
/* False: not /metrics or /healthz. */
bool	metrics_http(struct ctl_client *c, const char *method,
	    const char *path);
void	metrics_write(struct strbuf *b);
void	metrics_free(void);

#endif
