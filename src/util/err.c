/* err.c - lookup of error codes, messages and HTTP statuses from ERR_TABLE. */
#include "util/err.h"

const char *err_code(int e)
{
	switch (e) {
	case 0: return "ok";
#define X(name, val, code, msg, http) case val: return code;
	ERR_TABLE(X)
#undef X
	}
	return "internal";
}

const char *err_message(int e)
{
	switch (e) {
	case 0: return "ok";
#define X(name, val, code, msg, http) case val: return msg;
	ERR_TABLE(X)
#undef X
	}
	return "internal error";
}

int err_http_status(int e)
{
	switch (e) {
	case 0: return 200;
#define X(name, val, code, msg, http) case val: return http;
	ERR_TABLE(X)
#undef X
	}
	return 500;
}
