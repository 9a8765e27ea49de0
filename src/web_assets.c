/*
 * web_assets.c: the page's script and style (src/web/), put in the
 * binary as they are: no files to install, nothing to build.
 */
#include "web_assets.h"

__asm__(
"	.section .rodata\n"
"	.global web_page_js\n"
"	.type web_page_js, @object\n"
"web_page_js:\n"
"	.incbin \"src/web/page.js\"\n"
"	.byte 0\n"
"	.global web_page_css\n"
"	.type web_page_css, @object\n"
"web_page_css:\n"
"	.incbin \"src/web/page.css\"\n"
"	.byte 0\n"
"	.previous\n");
