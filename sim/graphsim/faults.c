/* SPDX-License-Identifier: MIT */
/*
 * faults.c - the realism knobs: --latency, --faults and --limits
 * (docs/graphsim.md "Realism knobs"; api-map.md §D.3).
 *
 * Latency. Handlers must stay on libmicrohttpd's one thread (graphsim.h:
 * nothing locks the state), so a delayed request is not slept on: its
 * connection is suspended (MHD_suspend_connection) and a timer thread
 * resumes it when it is due; libmicrohttpd then calls the access handler
 * again and the request is answered as usual. Many delayed requests
 * overlap, as on the real service, and a request with no delay costs
 * nothing. The timer thread touches only its own queue, under its lock.
 *
 * Faults. Each request that reaches Graph or Exchange (not /_sim, not
 * the token endpoint, not a $batch item) takes exactly one draw from a
 * generator of its own seeded by --seed, so the same seed and the same
 * sequence of requests give the same faults, whatever --latency does.
 *
 * Limits. Throttling decisions are made when a request arrives, before
 * its delay, so requests waiting out --latency count as in flight. The
 * published limits (api-map.md §D.3, throttling-limits.md):
 *   Outlook (mailFolders, messages, mailboxSettings...): 4 concurrent
 *     requests per app (the current text; the 2021 text said per app and
 *     mailbox, api-map.md §G.8) and 10,000 per 10 minutes per app and
 *     mailbox; 429 with Retry-After;
 *   identity and access reports (auditLogs, reports): 5 per 10 s per app
 *     (one tenant here); 429 with Retry-After;
 *   Identity Protection and Conditional Access: 1 per second for the
 *     tenant, all apps together; 429 with no Retry-After.
 * A throttled request is not counted against its window.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"
#include "util/parse.h"
#include "util/xalloc.h"

#include <microhttpd.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

#define PPM 1000000
#define LATENCY_MAX_MS 600000
#define OUTLOOK_CONCURRENT 4u

enum fault {
	F_NONE,
	F_429,
	F_429FRAC,
	F_429NORETRY,
	F_503,
	F_504,
	F_RESET,
	F_CUT,
	F_BADJSON,
	F_NEXTLINK,
	F_NR,
};

static const char *const fault_names[F_NR] = {
	NULL, "429", "429frac", "429noretry", "503", "504", "reset", "cut",
	"badjson", "nextlink-repeat",
};

/* A sliding window of request times (ms) under one key. */
struct window {
	char *key;
	int64_t *t;
	size_t head, n, alloc;
};

struct inflight {
	char *key;
	unsigned n;
};

struct pending {
	int64_t due;
	struct MHD_Connection *conn;
};

struct gs_knobs {
	int64_t latency, jitter; /* ms */
	unsigned rate[F_NR];	 /* parts per million */
	bool faults, limits;
	uint64_t frng, jrng;
	struct window *win;
	size_t nwin, awin;
	struct inflight *inf;
	size_t ninf, ainf;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pending *pend;
	size_t npend, apend;
	bool running, stop;
};

struct gs_knob_req {
	enum fault fault;
	bool throttled, no_retry_after;
	int64_t retry_after; /* seconds */
	char *inflight;	     /* counted under this key until done */
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* splitmix64: small, and the same sequence on every platform. */
static uint64_t
next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static struct gs_knobs *
knobs(struct gs_server *gs)
{
	if (!gs->knobs)
		gs->knobs = xcalloc(1, sizeof(*gs->knobs));
	return gs->knobs;
}

/* --- command line --- */

int
gs_knobs_parse_latency(struct gs_server *gs, const char *spec,
		       struct ir_err *err)
{
	const char *colon = strchr(spec, ':');
	size_t mlen = colon ? (size_t)(colon - spec) : strlen(spec);
	int ms, jitter = 0;

	if (ir_parse_int(&ms, spec, mlen, 0, LATENCY_MAX_MS, NULL) ||
	    (colon && ir_parse_int(&jitter, colon + 1, strlen(colon + 1), 0,
				   LATENCY_MAX_MS, NULL)))
		return ir_err_set(err, IR_EUSAGE, "bad --latency '%s' (want "
				  "MS or MS:JITTER, 0..%d)", spec,
				  LATENCY_MAX_MS);
	if (ms || jitter) {
		knobs(gs)->latency = ms;
		knobs(gs)->jitter = jitter;
	}
	return 0;
}

/* "0.05", "1", ".5" as parts per million; -1 when not a rate in [0, 1]. */
static long
parse_rate(const char *s, size_t len)
{
	long ppm = 0, scale = PPM;
	size_t i = 0;

	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		ppm = ppm * 10 + (s[i] - '0') * PPM;
	if (i == 0 && (i == len || s[i] != '.'))
		return -1;
	if (i < len && s[i] == '.') {
		if (++i == len || len - i > 6)
			return -1;
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			ppm += (s[i] - '0') * (scale /= 10);
	}
	if (i != len || ppm > PPM || ppm < 0)
		return -1;
	return ppm;
}

static int
parse_fault(unsigned rate[F_NR], const char *s, size_t len,
	    struct ir_err *err)
{
	const char *eq = memchr(s, '=', len);
	size_t nlen = eq ? (size_t)(eq - s) : len;
	long ppm = eq ? parse_rate(eq + 1, len - nlen - 1) : -1;

	for (int f = 1; f < F_NR; f++) {
		if (strlen(fault_names[f]) != nlen ||
		    memcmp(fault_names[f], s, nlen))
			continue;
		if (ppm < 0)
			return ir_err_set(err, IR_EUSAGE, "bad rate in "
					  "--faults '%.*s' (want NAME=0..1)",
					  (int)len, s);
		if (rate[f])
			return ir_err_set(err, IR_EUSAGE, "--faults names %s "
					  "twice", fault_names[f]);
		rate[f] = (unsigned)ppm;
		return 0;
	}
	return ir_err_set(err, IR_EUSAGE, "unknown fault '%.*s' in --faults",
			  (int)nlen, s);
}

int
gs_knobs_parse_faults(struct gs_server *gs, const char *spec,
		      struct ir_err *err)
{
	unsigned rate[F_NR] = { 0 }, sum = 0;

	if (!*spec || !strcmp(spec, "off"))
		return 0;
	for (const char *s = spec;; s++) {
		size_t len = strcspn(s, ",");

		if (parse_fault(rate, s, len, err))
			return -1;
		s += len;
		if (!*s)
			break;
	}
	for (int f = 1; f < F_NR; f++)
		sum += rate[f];
	if (sum > PPM)
		return ir_err_set(err, IR_EUSAGE, "--faults rates add up to "
				  "more than 1: '%s'", spec);
	memcpy(knobs(gs)->rate, rate, sizeof(rate));
	knobs(gs)->faults = sum > 0;
	return 0;
}

int
gs_knobs_parse_limits(struct gs_server *gs, const char *spec,
		      struct ir_err *err)
{
	if (!strcmp(spec, "off"))
		return 0;
	if (strcmp(spec, "documented"))
		return ir_err_set(err, IR_EUSAGE, "bad --limits '%s' (want "
				  "documented or off)", spec);
	knobs(gs)->limits = true;
	return 0;
}

/* --- the timer thread that resumes delayed connections --- */

static void *
timer_main(void *arg)
{
	struct gs_knobs *k = arg;
	struct timespec ts;
	struct MHD_Connection *conn;
	int64_t due;

	pthread_mutex_lock(&k->mu);
	while (!k->stop) {
		if (!k->npend) {
			pthread_cond_wait(&k->cv, &k->mu);
			continue;
		}
		due = k->pend[0].due;
		if (due > mono_ms()) {
			ts.tv_sec = (time_t)(due / 1000);
			ts.tv_nsec = (long)(due % 1000) * 1000000;
			pthread_cond_timedwait(&k->cv, &k->mu, &ts);
			continue;
		}
		conn = k->pend[0].conn;
		memmove(k->pend, k->pend + 1, --k->npend * sizeof(*k->pend));
		pthread_mutex_unlock(&k->mu);
		MHD_resume_connection(conn);
		pthread_mutex_lock(&k->mu);
	}
	pthread_mutex_unlock(&k->mu);
	return NULL;
}

void
gs_knobs_start(struct gs_server *gs, uint64_t seed)
{
	struct gs_knobs *k = gs->knobs;
	pthread_condattr_t ca;

	if (!k)
		return;
	k->frng = seed ^ 0x6661756c74730000ull; /* "faults" */
	k->jrng = seed ^ 0x6a69747465720000ull; /* "jitter" */
	if (!k->latency && !k->jitter)
		return;
	pthread_mutex_init(&k->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&k->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&k->thread, NULL, timer_main, k))
		IR_BUG("cannot start the --latency timer thread");
	k->running = true;
}

/* Ends the timer; connections still waiting are resumed at once. */
void
gs_knobs_stop(struct gs_server *gs)
{
	struct gs_knobs *k = gs->knobs;

	if (!k)
		return;
	if (k->running) {
		pthread_mutex_lock(&k->mu);
		k->stop = true;
		pthread_cond_signal(&k->cv);
		pthread_mutex_unlock(&k->mu);
		pthread_join(k->thread, NULL);
		for (size_t i = 0; i < k->npend; i++)
			MHD_resume_connection(k->pend[i].conn);
		pthread_cond_destroy(&k->cv);
		pthread_mutex_destroy(&k->mu);
		k->running = false;
	}
}

/* After the daemon stopped: no request can reach the knobs any more. */
void
gs_knobs_release(struct gs_server *gs)
{
	struct gs_knobs *k = gs->knobs;

	if (!k)
		return;
	for (size_t i = 0; i < k->nwin; i++) {
		free(k->win[i].key);
		free(k->win[i].t);
	}
	for (size_t i = 0; i < k->ninf; i++)
		free(k->inf[i].key);
	free(k->win);
	free(k->inf);
	free(k->pend);
	free(k);
	gs->knobs = NULL;
}

static void
schedule(struct gs_knobs *k, struct MHD_Connection *conn, int64_t due)
{
	size_t i;

	pthread_mutex_lock(&k->mu);
	if (k->npend == k->apend) {
		k->apend = k->apend ? 2 * k->apend : 16;
		k->pend = xrealloc(k->pend, k->apend * sizeof(*k->pend));
	}
	for (i = k->npend; i && k->pend[i - 1].due > due; i--)
		k->pend[i] = k->pend[i - 1];
	k->pend[i].due = due;
	k->pend[i].conn = conn;
	k->npend++;
	pthread_cond_signal(&k->cv);
	pthread_mutex_unlock(&k->mu);
}

/* --- limits --- */

enum limit {
	L_NONE,
	L_OUTLOOK,
	L_REPORTS,
	L_IPCA,
};

/* After "/v1.0/" or "/beta/": which documented limit covers `p`. */
static enum limit
classify(const char *p, const char **mailbox, size_t *mlen)
{
	static const char *const outlook[] = {
		"mailFolders", "messages", "mailboxSettings", "sendMail",
		"calendar", "events", "contacts", "inferenceClassification",
	};
	const char *seg;

	if (!strncmp(p, "auditLogs/", 10) || !strncmp(p, "reports/", 8))
		return L_REPORTS;
	if (!strncmp(p, "identityProtection/", 19) ||
	    !strncmp(p, "identity/conditionalAccess/", 27))
		return L_IPCA;
	if (strncmp(p, "users/", 6) || !(seg = strchr(p + 6, '/')))
		return L_NONE;
	*mailbox = p + 6;
	*mlen = (size_t)(seg - *mailbox);
	seg++;
	for (size_t i = 0; i < IR_ARRAY_SIZE(outlook); i++)
		if (!strncmp(seg, outlook[i], strlen(outlook[i])) &&
		    strchr("/?", seg[strlen(outlook[i])]))
			return L_OUTLOOK;
	return L_NONE;
}

static struct window *
window_get(struct gs_knobs *k, const char *key)
{
	struct window *w;

	for (size_t i = 0; i < k->nwin; i++)
		if (!strcmp(k->win[i].key, key))
			return &k->win[i];
	if (k->nwin == k->awin) {
		k->awin = k->awin ? 2 * k->awin : 8;
		k->win = xrealloc(k->win, k->awin * sizeof(*k->win));
	}
	w = &k->win[k->nwin++];
	memset(w, 0, sizeof(*w));
	w->key = xstrdup(key);
	return w;
}

/*
 * Admit one request under `key` if fewer than `limit` arrived in the
 * last `span` ms; else false with the seconds until one slot frees.
 */
static bool
window_admit(int64_t *retry, struct gs_knobs *k, const char *key,
	     size_t limit, int64_t span)
{
	struct window *w = window_get(k, key);
	int64_t now = mono_ms();

	while (w->head < w->n && w->t[w->head] <= now - span)
		w->head++;
	if (w->n - w->head >= limit) {
		*retry = (w->t[w->head] + span - now + 999) / 1000;
		return false;
	}
	if (w->head > 0 && w->n == w->alloc) {
		memmove(w->t, w->t + w->head, (w->n - w->head) * sizeof(*w->t));
		w->n -= w->head;
		w->head = 0;
	}
	if (w->n == w->alloc) {
		w->alloc = w->alloc ? 2 * w->alloc : 16;
		w->t = xrealloc(w->t, w->alloc * sizeof(*w->t));
	}
	w->t[w->n++] = now;
	return true;
}

static struct inflight *
inflight_get(struct gs_knobs *k, const char *key)
{
	for (size_t i = 0; i < k->ninf; i++)
		if (!strcmp(k->inf[i].key, key))
			return &k->inf[i];
	if (k->ninf == k->ainf) {
		k->ainf = k->ainf ? 2 * k->ainf : 8;
		k->inf = xrealloc(k->inf, k->ainf * sizeof(*k->inf));
	}
	k->inf[k->ninf].key = xstrdup(key);
	k->inf[k->ninf].n = 0;
	return &k->inf[k->ninf++];
}

/* The app a bearer token was issued to, or NULL (the route will 401). */
static const char *
caller_app(struct gs_server *gs, struct gs_req *req)
{
	const char *h = gs_header(req, "Authorization");

	if (!h || strncasecmp(h, "Bearer ", 7))
		return NULL;
	for (size_t i = 0; i < gs->tokens.nr; i++)
		if (!strcmp(gs->tokens.v[i].value, h + 7))
			return gs->tokens.v[i].app_id;
	return NULL;
}

static void
outlook_limit(struct gs_server *gs, struct gs_knob_req *kr, const char *app,
	      const char *mailbox, size_t mlen)
{
	struct gs_knobs *k = gs->knobs;
	struct inflight *in = inflight_get(k, app);
	yyjson_mut_val *user;
	char key[512], *mb = xstrndup(mailbox, mlen);

	/* The same mailbox by id or by UPN is one mailbox. */
	user = gs_state_user(&gs->state, gs_form_unescape(mb));
	if (user && yyjson_mut_get_str(yyjson_mut_obj_get(user, "id")))
		snprintf(key, sizeof(key), "outlook %s %s", app,
			 yyjson_mut_get_str(yyjson_mut_obj_get(user, "id")));
	else
		snprintf(key, sizeof(key), "outlook %s %s", app, mb);
	free(mb);
	if (in->n >= OUTLOOK_CONCURRENT) {
		kr->throttled = true;
		kr->retry_after = 1;
	} else if (!window_admit(&kr->retry_after, k, key, 10000, 600000)) {
		kr->throttled = true;
	} else {
		in->n++;
		kr->inflight = xstrdup(app);
	}
}

static void
apply_limits(struct gs_server *gs, struct gs_req *req,
	     struct gs_knob_req *kr)
{
	const char *p = req->path, *app = caller_app(gs, req), *mb = NULL;
	size_t mlen = 0;
	char key[256];

	if (!app)
		return;
	if (!strncmp(p, "/v1.0/", 6))
		p += 6;
	else if (!strncmp(p, "/beta/", 6))
		p += 6;
	else
		return;
	switch (classify(p, &mb, &mlen)) {
	case L_OUTLOOK:
		outlook_limit(gs, kr, app, mb, mlen);
		break;
	case L_REPORTS:
		snprintf(key, sizeof(key), "reports %s", app);
		kr->throttled = !window_admit(&kr->retry_after, gs->knobs,
					      key, 5, 10000);
		break;
	case L_IPCA:
		kr->throttled = !window_admit(&kr->retry_after, gs->knobs,
					      "ipca", 1, 1000);
		kr->no_retry_after = true;
		break;
	case L_NONE:
		break;
	}
}

/* --- per request --- */

static bool
knob_applies(const struct gs_req *req)
{
	return strncmp(req->path, "/_sim/", 6) &&
	       !strstr(req->path, "/oauth2/");
}

static enum fault
draw_fault(struct gs_knobs *k)
{
	unsigned u = (unsigned)(next(&k->frng) % PPM), acc = 0;

	for (int f = 1; f < F_NR; f++) {
		acc += k->rate[f];
		if (u < acc)
			return (enum fault)f;
	}
	return F_NONE;
}

static int64_t
delay_ms(struct gs_knobs *k)
{
	int64_t d = k->latency;

	if (k->jitter)
		d += (int64_t)(next(&k->jrng) % (uint64_t)(2 * k->jitter + 1)) -
		     k->jitter;
	return d > 0 ? d : 0;
}

bool
gs_knobs_hold(struct gs_server *gs, struct gs_req *req)
{
	struct gs_knobs *k = gs->knobs;
	struct gs_knob_req *kr;
	int64_t d;

	if (!k || req->knob)
		return false;
	kr = req->knob = xcalloc(1, sizeof(*req->knob));
	if (knob_applies(req)) {
		if (k->limits)
			apply_limits(gs, req, kr);
		if (k->faults)
			kr->fault = draw_fault(k);
	}
	if (!k->running)
		return false;
	d = delay_ms(k);
	if (!d)
		return false;
	MHD_suspend_connection(req->conn);
	schedule(k, req->conn, mono_ms() + d);
	return true;
}

/* api-examples/graph/error.429-throttled.example.json, key for key. */
static void
throttled(struct gs_resp *resp, const struct gs_req *req,
	  const char *retry_after)
{
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
	yyjson_mut_val *root = yyjson_mut_obj(doc);
	yyjson_mut_val *e = yyjson_mut_obj(doc);
	yyjson_mut_val *in = yyjson_mut_obj(doc);
	char date[40];

	gs_format_time(date, gs_now());
	date[19] = '\0'; /* the example's date has no zone designator */
	yyjson_mut_obj_add_val(doc, root, "error", e);
	yyjson_mut_obj_add_str(doc, e, "code", "TooManyRequests");
	yyjson_mut_obj_add_val(doc, e, "innerError", in);
	yyjson_mut_obj_add_str(doc, in, "code", "429");
	yyjson_mut_obj_add_strcpy(doc, in, "date", date);
	yyjson_mut_obj_add_str(doc, in, "message", "Please retry after");
	yyjson_mut_obj_add_strcpy(doc, in, "request-id", req->request_id);
	yyjson_mut_obj_add_str(doc, in, "status", "429");
	yyjson_mut_obj_add_str(doc, e, "message", "Please retry again later.");
	gs_resp_json(resp, 429, doc, root);
	resp->content_type = "application/json";
	if (retry_after)
		gs_resp_header(resp, "Retry-After", retry_after);
	yyjson_mut_doc_free(doc);
}

static bool
answer_fault(struct gs_resp *resp, const struct gs_req *req, enum fault f)
{
	switch (f) {
	case F_429:
		throttled(resp, req, "1");
		return true;
	case F_429FRAC:
		throttled(resp, req, "2.128"); /* throttling.md's example */
		return true;
	case F_429NORETRY:
		throttled(resp, req, NULL);
		return true;
	case F_503:
		gs_graph_error(resp, req, 503, "serviceNotAvailable",
			       "The service is temporarily unavailable.");
		gs_resp_header(resp, "Retry-After", "1");
		return true;
	case F_504:
		gs_graph_error(resp, req, 504, "GatewayTimeout",
			       "The gateway did not receive a response in "
			       "time.");
		return true;
	case F_RESET:
		resp->status = 0; /* logged as 0: no answer was sent */
		return true;
	default:
		return false;
	}
}

bool
gs_knobs_before(struct gs_server *gs, struct gs_req *req,
		struct gs_resp *resp)
{
	struct gs_knob_req *kr = req->knob;
	char ra[32];

	(void)gs;
	if (!kr)
		return false;
	if (kr->throttled) {
		snprintf(ra, sizeof(ra), "%lld", (long long)kr->retry_after);
		throttled(resp, req, kr->no_retry_after ? NULL : ra);
		return true;
	}
	return answer_fault(resp, req, kr->fault);
}

/* The page's @odata.nextLink now names the page itself. */
static void
repeat_next_link(struct gs_server *gs, struct gs_req *req,
		 struct gs_resp *resp)
{
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
	yyjson_doc *in = yyjson_read(resp->body.buf, resp->body.len, 0);
	yyjson_mut_val *root, *link;
	struct ir_buf self = IR_BUF_INIT;

	root = in ? yyjson_val_mut_copy(doc, yyjson_doc_get_root(in)) : NULL;
	link = root ? yyjson_mut_obj_get(root, "@odata.nextLink") : NULL;
	if (link) {
		gs_request_base(&self, gs, req);
		ir_buf_addstr(&self, req->uri);
		yyjson_mut_obj_replace(root,
				       yyjson_mut_str(doc, "@odata.nextLink"),
				       yyjson_mut_strcpy(doc, self.buf));
		gs_resp_json(resp, resp->status, doc, root);
	}
	ir_buf_release(&self);
	yyjson_doc_free(in);
	yyjson_mut_doc_free(doc);
}

void
gs_knobs_after(struct gs_server *gs, struct gs_req *req,
	       struct gs_resp *resp)
{
	struct gs_knob_req *kr = req->knob;

	if (!kr || resp->status != 200 || !resp->content_type)
		return;
	if (kr->fault == F_BADJSON && resp->body.len > 1)
		ir_buf_setlen(&resp->body, resp->body.len / 2);
	else if (kr->fault == F_NEXTLINK)
		repeat_next_link(gs, req, resp);
}

bool
gs_knobs_reset(struct gs_req *req)
{
	const union MHD_ConnectionInfo *ci;
	struct linger lg = { 1, 0 };

	if (!req->knob || req->knob->throttled ||
	    req->knob->fault != F_RESET)
		return false;
	/* SO_LINGER 0: close() sends RST, not FIN. */
	ci = MHD_get_connection_info(req->conn,
				     MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci)
		setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &lg,
			   sizeof(lg));
	return true;
}

struct cut {
	char *body;
	size_t len;
};

/* Half the body, then an error: libmicrohttpd closes the connection. */
static ssize_t
cut_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct cut *c = cls;
	size_t half = c->len / 2, n;

	if (pos >= half)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	n = half - (size_t)pos < max ? half - (size_t)pos : max;
	memcpy(buf, c->body + pos, n);
	return (ssize_t)n;
}

static void
cut_free(void *cls)
{
	struct cut *c = cls;

	free(c->body);
	free(c);
}

struct MHD_Response *
gs_knobs_response(struct gs_req *req, char *body, size_t len)
{
	struct cut *c;

	if (!req->knob || req->knob->throttled ||
	    req->knob->fault != F_CUT || len < 2)
		return NULL;
	c = xmalloc(sizeof(*c));
	c->body = body;
	c->len = len;
	return MHD_create_response_from_callback(len, 4096, cut_read, c,
						 cut_free);
}

void
gs_knobs_done(struct gs_server *gs, struct gs_req *req)
{
	struct gs_knob_req *kr = req->knob;

	if (!kr)
		return;
	if (kr->inflight && gs->knobs)
		inflight_get(gs->knobs, kr->inflight)->n--;
	free(kr->inflight);
	free(kr);
	req->knob = NULL;
}
