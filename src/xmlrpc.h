/*
 * xmlrpc.h: XML-RPC's text.  A methodCall is decoded (with expat) into
 * its method name and a tree of values; a response is written as it is
 * made, value by value, into a growing buffer.  Nothing here knows what
 * the methods mean.
 */
#ifndef SUPERVISOR_XMLRPC_H
#define SUPERVISOR_XMLRPC_H

#include <stdbool.h>
#include <stddef.h>

#define XR_DEPTH_MAX	32		/* nested arrays and structs */
#define XR_VALUES_MAX	100000		/* values in one call */
#define XR_NAME_MAX	256		/* a method name */

enum xr_type {
	XR_STRING,			/* also an untyped <value> */
	XR_INT,
	XR_BOOL,
	XR_DOUBLE,
	XR_DATETIME,			/* its text, as sent */
	XR_BASE64,			/* decoded into xv_str */
	XR_NIL,
	XR_ARRAY,
	XR_STRUCT,
};

struct xr_value {
	enum xr_type	  xv_type;
	char		 *xv_str;	/* STRING, DATETIME, BASE64: NUL-ended */
	size_t		  xv_len;	/* ... its length */
	long long	  xv_int;	/* INT, BOOL */
	double		  xv_double;
	struct xr_value **xv_items;	/* ARRAY's elements, STRUCT's values */
	char		**xv_keys;	/* STRUCT's member names */
	size_t		  xv_n;
	size_t		  xv_cap;
};

struct xr_call {
	char		 *xc_method;
	struct xr_value	 *xc_params;	/* an XR_ARRAY */
};

int	xr_decode(const char *body, size_t len, struct xr_call *call,
	    char *why, size_t whylen);
int	xr_decode_response(const char *body, size_t len,
	    struct xr_value **result, bool *fault, char *why, size_t whylen);
void	xr_call_free(struct xr_call *call);
void	xr_value_free(struct xr_value *v);
const struct xr_value *xr_struct_get(const struct xr_value *v,
	    const char *key);
const char *xr_type_name(enum xr_type t);

/* A response being written.  A failed allocation sets xb_nomem; the
 * writers then do nothing. */
struct xr_buf {
	char	*xb_data;
	size_t	 xb_len;
	size_t	 xb_cap;
	bool	 xb_nomem;
};

void	xr_buf_free(struct xr_buf *b);
void	xr_raw(struct xr_buf *b, const char *s);
void	xr_response_begin(struct xr_buf *b);
void	xr_response_end(struct xr_buf *b);
void	xr_fault(struct xr_buf *b, int code, const char *text);
void	xr_string(struct xr_buf *b, const char *s);
void	xr_string_n(struct xr_buf *b, const char *s, size_t n);
void	xr_int(struct xr_buf *b, long long i);
void	xr_bool(struct xr_buf *b, bool v);
void	xr_array_begin(struct xr_buf *b);
void	xr_array_end(struct xr_buf *b);
void	xr_struct_begin(struct xr_buf *b);
void	xr_member(struct xr_buf *b, const char *name);
void	xr_member_end(struct xr_buf *b);
void	xr_struct_end(struct xr_buf *b);
void	xr_member_string(struct xr_buf *b, const char *name, const char *s);
void	xr_member_int(struct xr_buf *b, const char *name, long long i);
void	xr_member_bool(struct xr_buf *b, const char *name, bool v);
void	xr_value(struct xr_buf *b, const struct xr_value *v);

#endif
