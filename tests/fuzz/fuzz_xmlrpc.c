/*
 * fuzz_xmlrpc.c: libFuzzer target for the XML-RPC decoder (xmlrpc.c)
 * alone: any bytes as a methodCall; what it accepts is written back as a
 * response, and that response decodes again (as a call's params) to the
 * same shape.  The same bytes as a methodResponse (the supervisorctl
 * side's decoder).  No crash, no overflow, no leak, no runaway expansion.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmlrpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
count(const struct xr_value *v)
{
	size_t i, n = 1;

	for (i = 0; i < v->xv_n; i++)
		n += count(v->xv_items[i]);
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xr_call call, again;
	struct xr_value *result;
	struct xr_buf b;
	char why[256];
	bool fault;

	if (size > 512 * 1024)
		return 0;
	if (xr_decode_response((const char *)data, size, &result, &fault, why,
	    sizeof(why)) == 0) {
		/* A fault is checked: a struct with both members. */
		if (result == NULL || (fault && (xr_struct_get(result,
		    "faultCode") == NULL || xr_struct_get(result,
		    "faultString") == NULL)))
			abort();
		xr_value_free(result);
	}
	if (xr_decode((const char *)data, size, &call, why, sizeof(why)) == -1)
		return 0;
	if (count(call.xc_params) > XR_VALUES_MAX + 1)
		abort();
	memset(&b, 0, sizeof(b));
	xr_raw(&b, "<methodCall><methodName>m</methodName><params><param>");
	xr_value(&b, call.xc_params);
	xr_raw(&b, "</param></params></methodCall>");
	if (!b.xb_nomem) {
		/* What we write, we read: one param, the same tree size. */
		if (xr_decode(b.xb_data, b.xb_len, &again, why, sizeof(why))
		    == -1) {
			fprintf(stderr, "written back, refused: %s\n", why);
			abort();
		}
		if (again.xc_params->xv_n != 1 ||
		    count(again.xc_params->xv_items[0]) !=
		    count(call.xc_params))
			abort();
		xr_call_free(&again);
	}
	xr_buf_free(&b);
	xr_call_free(&call);
	return 0;
}
