/* SPDX-License-Identifier: MIT */
/*
 * sim.c - /_sim routes: the simulator's own routes for tests, which no real
 * service has. They take no token: graphsim listens on loopback only, and
 * a test must be able to look at the tenant without becoming a client.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"

void
gs_sim_state(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	ir_buf_reset(&resp->body);
	gs_state_canonical(&gs->state, &resp->body);
	resp->status = 200;
	resp->content_type = "application/json; charset=utf-8";
}

void
gs_sim_reset(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	gs_state_reset(&gs->state);
	resp->status = 204;
	resp->content_type = NULL;
}
