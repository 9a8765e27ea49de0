/*
 * test_strbuf.c: the text buffer (src/strbuf.c) and its escapes: what a
 * hostile name becomes in HTML, JSON, a URL and a Prometheus label.
 */
#include <stdio.h>
#include <string.h>

#include "strbuf.h"
#include "unit.h"

static const char hostile[] = "\"><img src=x onerror=alert('1')>&\\\n";

int
main(void)
{
	struct strbuf b = { 0 };
	char big[3000];

	UNIT_BEGIN("test_strbuf");
	sb_html(&b, hostile);
	CHECK_STR("HTML: no markup, no quote", b.sb_data,
	    "&quot;&gt;&lt;img src=x onerror=alert(&#39;1&#39;)&gt;&amp;\\\n");
	sb_reset(&b);
	sb_json(&b, hostile);
	CHECK_STR("JSON: a string that closes no tag", b.sb_data,
	    "\"\\u0022\\u003e\\u003cimg src=x onerror=alert('1')\\u003e"
	    "\\u0026\\u005c\\u000a\"");
	sb_reset(&b);
	sb_json(&b, "caf\xc3\xa9 \x01\x7f");
	CHECK_STR("JSON: UTF-8 as it is, controls escaped", b.sb_data,
	    "\"caf\xc3\xa9 \\u0001\\u007f\"");
	sb_reset(&b);
	sb_label(&b, hostile);
	CHECK_STR("label: quote, backslash, newline", b.sb_data,
	    "\\\"><img src=x onerror=alert('1')>&\\\\\\n");
	sb_reset(&b);
	sb_url(&b, "grp:a b/c?d#e%");
	CHECK_STR("URL: a segment", b.sb_data, "grp:a%20b%2Fc%3Fd%23e%25");
	sb_reset(&b);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sb_printf(&b, "<%s>%d", big, 42);
	CHECK("printf: longer than its small buffer", b.sb_len ==
	    sizeof(big) + 3 && strcmp(b.sb_data + b.sb_len - 4, "x>42") == 0);
	sb_reset(&b);
	sb_uint(&b, 0);
	sb_add(&b, " ", 1);
	sb_uint(&b, 18446744073709551615ULL);
	sb_add(&b, " ", 1);
	sb_int(&b, -9223372036854775807LL - 1);
	sb_add(&b, " ", 1);
	sb_int(&b, 42);
	CHECK_STR("numbers: 0, the largest, the smallest, one", b.sb_data,
	    "0 18446744073709551615 -9223372036854775808 42");
	sb_reset(&b);
	sb_milli(&b, 0);
	sb_add(&b, " ", 1);
	sb_milli(&b, 3725.2);
	sb_add(&b, " ", 1);
	sb_milli(&b, 1.2506);
	sb_add(&b, " ", 1);
	sb_milli(&b, -0.0001);
	sb_add(&b, " ", 1);
	sb_milli(&b, -2.5);
	CHECK_STR("milli: three decimals, a hair below 0 as 0", b.sb_data,
	    "0.000 3725.200 1.251 0.000 -2.500");
	sb_reset(&b);
	CHECK("reset: empty, memory kept", b.sb_len == 0 && b.sb_cap > 0 &&
	    b.sb_data[0] == '\0');
	sb_str(&b, "ab");
	sb_reserve(&b, 100000);
	{
		const char *before = b.sb_data;
		size_t i;

		CHECK("reserve: room for that much more, the text kept",
		    b.sb_cap >= 100003 && strcmp(b.sb_data, "ab") == 0);
		for (i = 0; i < 100000 / 8; i++)
			sb_add(&b, "01234567", 8);
		CHECK("reserve: filled, never moved", b.sb_data == before &&
		    b.sb_len == 100002);
	}
	sb_free(&b);
	CHECK("free: nothing", b.sb_data == NULL && b.sb_cap == 0);
	return unit_failed;
}
