/*
 * web_assets.h: the web page's script and style (src/web/page.js and
 * page.css), in the binary as they are, NUL-terminated.
 */
#ifndef SUPERVISOR_WEB_ASSETS_H
#define SUPERVISOR_WEB_ASSETS_H

extern const char web_page_js[];
extern const char web_page_css[];

#endif
