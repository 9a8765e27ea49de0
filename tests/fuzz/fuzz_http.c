/*
 * fuzz_http.c: libFuzzer target for the HTTP request path: bytes fed to
 * http.c in pieces as a connection's reads would bring them (the first
 * byte sets the piece size), every whole request's body decoded as an
 * XML-RPC call (xmlrpc.c) and its values written back.  No crash, no
 * overflow, no leak; what it keeps stays within its caps.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "xmlrpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
decode_body(const struct http_request *r)
{
	struct xr_call call;
	struct xr_buf b;
	char why[256];

	memset(&b, 0, sizeof(b));
	if (xr_decode(r->hr_body != NULL ? r->hr_body : "", r->hr_bodylen,
	    &call, why, sizeof(why)) == -1) {
		if (call.xc_method != NULL || call.xc_params != NULL)
			abort();
		return;
	}
	if (strlen(call.xc_method) > XR_NAME_MAX ||
	    call.xc_params->xv_type != XR_ARRAY)
		abort();
	xr_response_begin(&b);
	xr_value(&b, call.xc_params);
	xr_response_end(&b);
	xr_buf_free(&b);
	xr_call_free(&call);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request *r;
	size_t piece, off = 1, n, len;
	char buf[512];

	if (size < 1 || size > 256 * 1024)
		return 0;
	piece = (size_t)data[0] % sizeof(buf) + 1;
	if ((r = malloc(sizeof(*r))) == NULL)
		return 0;
	http_request_init(r);
	while (off < size && r->hr_status == 0) {
		len = size - off < piece ? size - off : piece;
		memcpy(buf, data + off, len);	/* a read's buffer, exactly */
		n = http_feed(r, buf, len);
		if (n > len || r->hr_urllen > HTTP_URL_MAX ||
		    r->hr_authlen > HTTP_AUTH_MAX ||
		    r->hr_bodylen > HTTP_BODY_MAX)
			abort();
		off += n;
		if (r->hr_complete) {
			decode_body(r);
			http_request_next(r);
		} else if (n < len && r->hr_status == 0)
			abort();	/* took less without a reason */
	}
	http_request_free(r);
	free(r);
	return 0;
}
