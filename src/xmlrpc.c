/*
 * xmlrpc.c: XML-RPC's methodCall (and a client's methodResponse) read
 * with expat into a tree of values, within bounds (depth, values, the
 * text of each), no DTD at all (so no entity expansion); and responses
 * written as they are made.  Strings
 * written are valid XML 1.0 whatever bytes they held: invalid UTF-8 and
 * the control characters XML forbids become U+FFFD.
 */
#include <arpa/nameser.h>
#include <errno.h>
#include <expat.h>
#include <inttypes.h>
#include <resolv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmlrpc.h"

#define XR_TEXT_MAX	(4 * 1024 * 1024)	/* one value's text */

/* The decoder's state while expat reads. */
struct decoder {
	XML_Parser	  d_parser;
	struct xr_call	 *d_call;
	struct xr_value	 *d_stack[XR_DEPTH_MAX + 2]; /* open values */
	int		  d_depth;	/* values open */
	int		  d_elems;	/* elements open */
	size_t		  d_values;
	char		 *d_text;	/* the current leaf's text */
	size_t		  d_textlen;
	size_t		  d_textcap;
	bool		  d_in_text;	/* collecting text */
	char		 *d_key;	/* a <member>'s <name>, until its value */
	bool		  d_typed;	/* the open <value> had a type element */
	bool		  d_fault;	/* a methodResponse's <fault> */
	const char	 *d_error;
};

static const char *const type_names[] = {
	[XR_STRING] = "string", [XR_INT] = "int", [XR_BOOL] = "boolean",
	[XR_DOUBLE] = "double", [XR_DATETIME] = "dateTime.iso8601",
	[XR_BASE64] = "base64", [XR_NIL] = "nil", [XR_ARRAY] = "array",
	[XR_STRUCT] = "struct",
};

const char *
xr_type_name(enum xr_type t)
{
	return t <= XR_STRUCT ? type_names[t] : "?";
}

void
xr_value_free(struct xr_value *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->xv_n; i++) {
		xr_value_free(v->xv_items[i]);
		if (v->xv_keys != NULL)
			free(v->xv_keys[i]);
	}
	free(v->xv_items);
	free(v->xv_keys);
	free(v->xv_str);
	free(v);
}

void
xr_call_free(struct xr_call *call)
{
	free(call->xc_method);
	xr_value_free(call->xc_params);
	call->xc_method = NULL;
	call->xc_params = NULL;
}

const struct xr_value *
xr_struct_get(const struct xr_value *v, const char *key)
{
	size_t i;

	if (v == NULL || v->xv_type != XR_STRUCT)
		return NULL;
	for (i = 0; i < v->xv_n; i++)
		if (strcmp(v->xv_keys[i], key) == 0)
			return v->xv_items[i];
	return NULL;
}

static void
fail(struct decoder *d, const char *why)
{
	if (d->d_error == NULL)
		d->d_error = why;
	XML_StopParser(d->d_parser, XML_FALSE);
}

/* Appends child to the container on top of the stack (or to params). */
static int
attach(struct decoder *d, struct xr_value *parent, struct xr_value *child)
{
	size_t cap;
	struct xr_value **items;
	char **keys;

	if (parent->xv_type == XR_STRUCT && d->d_key == NULL)
		return -1;
	if (parent->xv_n == parent->xv_cap) {
		cap = parent->xv_cap ? parent->xv_cap * 2 : 4;
		if ((items = realloc(parent->xv_items, cap * sizeof(*items)))
		    == NULL)
			return -1;
		parent->xv_items = items;
		if (parent->xv_type == XR_STRUCT) {
			if ((keys = realloc(parent->xv_keys, cap *
			    sizeof(*keys))) == NULL)
				return -1;
			parent->xv_keys = keys;
		}
		parent->xv_cap = cap;
	}
	if (parent->xv_type == XR_STRUCT) {
		parent->xv_keys[parent->xv_n] = d->d_key;
		d->d_key = NULL;
	}
	parent->xv_items[parent->xv_n++] = child;
	return 0;
}

static void
text_reset(struct decoder *d, bool collect)
{
	d->d_textlen = 0;
	d->d_in_text = collect;
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct decoder *d = ud;
	struct xr_value *v, *top;
	size_t i;

	(void)attrs;
	if (++d->d_elems > 3 * XR_DEPTH_MAX + 8) {
		fail(d, "nested too deep");
		return;
	}
	top = d->d_depth > 0 ? d->d_stack[d->d_depth - 1] : NULL;
	if (strcmp(name, "value") == 0) {
		if (d->d_depth > XR_DEPTH_MAX) {
			fail(d, "values nested too deep");
			return;
		}
		if (++d->d_values > XR_VALUES_MAX) {
			fail(d, "too many values");
			return;
		}
		if (top != NULL && top->xv_type != XR_ARRAY &&
		    top->xv_type != XR_STRUCT) {
			fail(d, "<value> inside a scalar");
			return;
		}
		if ((v = calloc(1, sizeof(*v))) == NULL) {
			fail(d, "out of memory");
			return;
		}
		v->xv_type = XR_STRING;
		d->d_stack[d->d_depth++] = v;
		d->d_typed = false;
		text_reset(d, true);	/* an untyped value is its text */
		return;
	}
	if (strcmp(name, "name") == 0) {
		text_reset(d, true);
		return;
	}
	for (i = 0; i <= XR_STRUCT; i++)
		if (strcmp(name, type_names[i]) == 0 ||
		    (i == XR_INT && strcmp(name, "i4") == 0) ||
		    (i == XR_INT && strcmp(name, "i8") == 0))
			break;
	if (i <= XR_STRUCT) {
		if (top == NULL || d->d_typed) {
			fail(d, "a type outside a <value>");
			return;
		}
		top->xv_type = (enum xr_type)i;
		d->d_typed = true;
		text_reset(d, i != XR_ARRAY && i != XR_STRUCT && i != XR_NIL);
		return;
	}
	/* methodCall, methodName, params, param, data, member, fault */
	if (strcmp(name, "fault") == 0)
		d->d_fault = true;
	if (strcmp(name, "methodName") == 0)
		text_reset(d, true);
	else
		d->d_in_text = false;
}

/* The text collected, as a NUL-ended copy. */
static char *
text_take(struct decoder *d)
{
	char *s = malloc(d->d_textlen + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, d->d_text != NULL ? d->d_text : "", d->d_textlen);
	s[d->d_textlen] = '\0';
	return s;
}

/* A scalar's text into its value. */
static const char *
scalar_set(struct decoder *d, struct xr_value *v)
{
	char *end, *s;
	long long n;
	int k;

	if ((s = text_take(d)) == NULL)
		return "out of memory";
	errno = 0;
	switch (v->xv_type) {
	case XR_INT:
		n = strtoll(s, &end, 10);
		if (*s == '\0' || *end != '\0' || errno != 0) {
			free(s);
			return "an <int> that is not an integer";
		}
		v->xv_int = n;
		free(s);
		return NULL;
	case XR_BOOL:
		if (strcmp(s, "0") != 0 && strcmp(s, "1") != 0) {
			free(s);
			return "a <boolean> neither 0 nor 1";
		}
		v->xv_int = s[0] == '1';
		free(s);
		return NULL;
	case XR_DOUBLE:
		v->xv_double = strtod(s, &end);
		if (*s == '\0' || *end != '\0') {
			free(s);
			return "a <double> that is not a number";
		}
		free(s);
		return NULL;
	case XR_BASE64:
		/* Decoded in place: never longer than its text. */
		k = b64_pton(s, (unsigned char *)s, d->d_textlen + 1);
		if (k < 0) {
			free(s);
			return "<base64> that is not base64";
		}
		s[k] = '\0';
		v->xv_str = s;
		v->xv_len = (size_t)k;
		return NULL;
	case XR_NIL:
		free(s);
		return NULL;
	default:		/* STRING, DATETIME */
		v->xv_str = s;
		v->xv_len = d->d_textlen;
		return NULL;
	}
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct decoder *d = ud;
	struct xr_value *v, *parent;
	const char *why;

	d->d_elems--;
	if (strcmp(name, "methodName") == 0) {
		if (d->d_call->xc_method != NULL || d->d_textlen > XR_NAME_MAX) {
			fail(d, "a second or overlong <methodName>");
			return;
		}
		if ((d->d_call->xc_method = text_take(d)) == NULL)
			fail(d, "out of memory");
		d->d_in_text = false;
		return;
	}
	if (strcmp(name, "name") == 0) {
		free(d->d_key);
		if ((d->d_key = text_take(d)) == NULL)
			fail(d, "out of memory");
		d->d_in_text = false;
		return;
	}
	if (strcmp(name, "value") != 0) {
		/* </string> and the like: what follows is not its text. */
		d->d_in_text = false;
		return;
	}
	if (d->d_depth == 0) {
		fail(d, "</value> without <value>");
		return;
	}
	v = d->d_stack[--d->d_depth];
	if (v->xv_type != XR_ARRAY && v->xv_type != XR_STRUCT &&
	    (why = scalar_set(d, v)) != NULL) {
		xr_value_free(v);
		fail(d, why);
		return;
	}
	d->d_in_text = false;
	d->d_typed = true;	/* what follows in the parent is not its text */
	parent = d->d_depth > 0 ? d->d_stack[d->d_depth - 1] :
	    d->d_call->xc_params;
	if (attach(d, parent, v) == -1) {
		xr_value_free(v);
		fail(d, parent->xv_type == XR_STRUCT ? "a <member> without "
		    "<name>" : "out of memory");
	}
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct decoder *d = ud;
	size_t cap;
	char *nt;

	if (!d->d_in_text || len <= 0)
		return;
	if (d->d_textlen + (size_t)len > XR_TEXT_MAX) {
		fail(d, "a value's text is too long");
		return;
	}
	if (d->d_textlen + (size_t)len > d->d_textcap) {
		cap = d->d_textcap ? d->d_textcap : 64;
		while (cap < d->d_textlen + (size_t)len)
			cap *= 2;
		if ((nt = realloc(d->d_text, cap)) == NULL) {
			fail(d, "out of memory");
			return;
		}
		d->d_text = nt;
		d->d_textcap = cap;
	}
	memcpy(d->d_text + d->d_textlen, s, (size_t)len);
	d->d_textlen += (size_t)len;
}

/* No DTD: no entity can be declared, so none can expand. */
static void XMLCALL
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	fail(ud, "a DOCTYPE");
}

/* Reads a methodCall or a methodResponse into call; the decoder's state
 * is left in d for the caller's checks.  0 or -1 with why filled in. */
static int
decode(struct decoder *d, const char *body, size_t len, struct xr_call *call,
    char *why, size_t whylen)
{
	enum XML_Status st;
	int i;

	memset(call, 0, sizeof(*call));
	memset(d, 0, sizeof(*d));
	d->d_call = call;
	if ((call->xc_params = calloc(1, sizeof(*call->xc_params))) == NULL ||
	    (d->d_parser = XML_ParserCreate("UTF-8")) == NULL) {
		snprintf(why, whylen, "out of memory");
		xr_call_free(call);
		return -1;
	}
	call->xc_params->xv_type = XR_ARRAY;
	XML_SetUserData(d->d_parser, d);
	XML_SetElementHandler(d->d_parser, on_start, on_end);
	XML_SetCharacterDataHandler(d->d_parser, on_text);
	XML_SetStartDoctypeDeclHandler(d->d_parser, on_doctype);
	st = len > INT32_MAX ? XML_STATUS_ERROR :
	    XML_Parse(d->d_parser, body, (int)len, XML_TRUE);
	if (d->d_error != NULL)
		snprintf(why, whylen, "%s", d->d_error);
	else if (st != XML_STATUS_OK)
		snprintf(why, whylen, "line %lu: %s",
		    (unsigned long)XML_GetCurrentLineNumber(d->d_parser),
		    XML_ErrorString(XML_GetErrorCode(d->d_parser)));
	XML_ParserFree(d->d_parser);
	for (i = 0; i < d->d_depth; i++)
		xr_value_free(d->d_stack[i]);
	free(d->d_text);
	free(d->d_key);
	if (d->d_error != NULL || st != XML_STATUS_OK) {
		xr_call_free(call);
		return -1;
	}
	return 0;
}

/*
 * Decodes a methodCall.  0, or -1 with why filled in (the HTTP answer
 * is then 400, as supervisord's).  call is empty after -1.
 */
int
xr_decode(const char *body, size_t len, struct xr_call *call, char *why,
    size_t whylen)
{
	struct decoder d;

	if (decode(&d, body, len, call, why, whylen) == -1)
		return -1;
	if (call->xc_method == NULL || call->xc_method[0] == '\0') {
		snprintf(why, whylen, "no method name");
		xr_call_free(call);
		return -1;
	}
	return 0;
}

/*
 * Decodes a methodResponse (a client's side): its one value in *result,
 * and *fault set when it is a <fault> (whose value is then a struct with
 * faultCode and faultString, checked here).  0, or -1 with why.
 */
int
xr_decode_response(const char *body, size_t len, struct xr_value **result,
    bool *fault, char *why, size_t whylen)
{
	struct decoder d;
	struct xr_call call;
	const struct xr_value *code, *text;

	*result = NULL;
	*fault = false;
	if (decode(&d, body, len, &call, why, whylen) == -1)
		return -1;
	if (call.xc_method != NULL || call.xc_params->xv_n != 1) {
		snprintf(why, whylen, "not a methodResponse of one value");
		xr_call_free(&call);
		return -1;
	}
	*result = call.xc_params->xv_items[0];
	call.xc_params->xv_n = 0;
	xr_call_free(&call);
	*fault = d.d_fault;
	if (!*fault)
		return 0;
	code = xr_struct_get(*result, "faultCode");
	text = xr_struct_get(*result, "faultString");
	if (code == NULL || code->xv_type != XR_INT || text == NULL ||
	    text->xv_type != XR_STRING) {
		snprintf(why, whylen, "a <fault> without faultCode and "
		    "faultString");
		xr_value_free(*result);
		*result = NULL;
		return -1;
	}
	return 0;
}

/* ---- writing ------------------------------------------------------- */

void
xr_buf_free(struct xr_buf *b)
{
	free(b->xb_data);
	memset(b, 0, sizeof(*b));
}

static void
put(struct xr_buf *b, const char *s, size_t n)
{
	size_t cap;
	char *nd;

	if (b->xb_nomem)
		return;
	if (b->xb_len + n + 1 > b->xb_cap) {
		cap = b->xb_cap ? b->xb_cap : 1024;
		while (cap < b->xb_len + n + 1)
			cap *= 2;
		if ((nd = realloc(b->xb_data, cap)) == NULL) {
			b->xb_nomem = true;
			return;
		}
		b->xb_data = nd;
		b->xb_cap = cap;
	}
	memcpy(b->xb_data + b->xb_len, s, n);
	b->xb_len += n;
	b->xb_data[b->xb_len] = '\0';
}

void
xr_raw(struct xr_buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* The length of a valid UTF-8 sequence XML allows at s, or 0. */
static size_t
xml_char_len(const unsigned char *s, size_t n)
{
	uint32_t c;
	size_t len, i;

	if (s[0] < 0x80)
		return s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' ||
		    s[0] == '\r' ? 1 : 0;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff) || c == 0xfffe ||
	    c == 0xffff)
		return 0;
	return len;
}

/* Text content, escaped. */
static void
put_text(struct xr_buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0, k;

	while (i < n) {
		if (u[i] == '<' || u[i] == '>' || u[i] == '&') {
			put(b, s + run, i - run);
			put(b, u[i] == '<' ? "&lt;" : u[i] == '>' ? "&gt;" :
			    "&amp;", u[i] == '&' ? 5 : 4);
			run = ++i;
			continue;
		}
		if ((k = xml_char_len(u + i, n - i)) == 0) {
			put(b, s + run, i - run);
			put(b, "\xef\xbf\xbd", 3);	/* U+FFFD */
			run = ++i;
			continue;
		}
		i += k;
	}
	put(b, s + run, i - run);
}

void
xr_response_begin(struct xr_buf *b)
{
	xr_raw(b, "<?xml version='1.0'?>\n<methodResponse>\n<params>\n"
	    "<param>\n");
}

void
xr_response_end(struct xr_buf *b)
{
	xr_raw(b, "</param>\n</params>\n</methodResponse>\n");
}

/* A whole fault response, as xmlrpclib.dumps(Fault) writes it. */
void
xr_fault(struct xr_buf *b, int code, const char *text)
{
	xr_raw(b, "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n");
	xr_struct_begin(b);
	xr_member_int(b, "faultCode", code);
	xr_member_string(b, "faultString", text);
	xr_struct_end(b);
	xr_raw(b, "</fault>\n</methodResponse>\n");
}

void
xr_string_n(struct xr_buf *b, const char *s, size_t n)
{
	xr_raw(b, "<value><string>");
	put_text(b, s, n);
	xr_raw(b, "</string></value>\n");
}

void
xr_string(struct xr_buf *b, const char *s)
{
	xr_string_n(b, s, strlen(s));
}

void
xr_int(struct xr_buf *b, long long i)
{
	char num[64];

	/* XML-RPC's int is 32 bits: larger values are capped, as
	 * supervisord's capped_int does. */
	if (i > INT32_MAX)
		i = INT32_MAX;
	if (i < INT32_MIN)
		i = INT32_MIN;
	snprintf(num, sizeof(num), "<value><int>%lld</int></value>\n", i);
	xr_raw(b, num);
}

void
xr_bool(struct xr_buf *b, bool v)
{
	xr_raw(b, v ? "<value><boolean>1</boolean></value>\n" :
	    "<value><boolean>0</boolean></value>\n");
}

void
xr_array_begin(struct xr_buf *b)
{
	xr_raw(b, "<value><array><data>\n");
}

void
xr_array_end(struct xr_buf *b)
{
	xr_raw(b, "</data></array></value>\n");
}

void
xr_struct_begin(struct xr_buf *b)
{
	xr_raw(b, "<value><struct>\n");
}

void
xr_member(struct xr_buf *b, const char *name)
{
	xr_raw(b, "<member>\n<name>");
	put_text(b, name, strlen(name));
	xr_raw(b, "</name>\n");
}

void
xr_member_end(struct xr_buf *b)
{
	xr_raw(b, "</member>\n");
}

void
xr_struct_end(struct xr_buf *b)
{
	xr_raw(b, "</struct></value>\n");
}

void
xr_member_string(struct xr_buf *b, const char *name, const char *s)
{
	xr_member(b, name);
	xr_string(b, s);
	xr_member_end(b);
}

void
xr_member_int(struct xr_buf *b, const char *name, long long i)
{
	xr_member(b, name);
	xr_int(b, i);
	xr_member_end(b);
}

void
xr_member_bool(struct xr_buf *b, const char *name, bool v)
{
	xr_member(b, name);
	xr_bool(b, v);
	xr_member_end(b);
}

/* A decoded value written back (the echo of a multicall's odd input). */
void
xr_value(struct xr_buf *b, const struct xr_value *v)
{
	char num[64];
	size_t i;

	switch (v->xv_type) {
	case XR_INT:
		xr_int(b, v->xv_int);
		break;
	case XR_BOOL:
		xr_bool(b, v->xv_int != 0);
		break;
	case XR_DOUBLE:
		snprintf(num, sizeof(num), "<value><double>%.17g</double>"
		    "</value>\n", v->xv_double);
		xr_raw(b, num);
		break;
	case XR_NIL:
		xr_raw(b, "<value><nil/></value>\n");
		break;
	case XR_ARRAY:
		xr_array_begin(b);
		for (i = 0; i < v->xv_n; i++)
			xr_value(b, v->xv_items[i]);
		xr_array_end(b);
		break;
	case XR_STRUCT:
		xr_struct_begin(b);
		for (i = 0; i < v->xv_n; i++) {
			xr_member(b, v->xv_keys[i]);
			xr_value(b, v->xv_items[i]);
			xr_member_end(b);
		}
		xr_struct_end(b);
		break;
	default:
		xr_string_n(b, v->xv_str, v->xv_len);
		break;
	}
}
