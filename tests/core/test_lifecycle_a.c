/*
 * test_lifecycle_a.c - issue 8, orders, venues and risk: the scenario files
 * scenarios/lifecycle_A_*.scn: trailing stops that ratchet and trigger on journaled quotes (by
 * price offset and by basis points, buy and sell, with cancels, replaces, halts and expiry while
 * the engine holds them); block orders allocated to client accounts (rounding that sums exactly,
 * busts, corrections, internal fills, the entry checks); margin and leverage (rejects, a margin
 * call crossing in and back out); concentration by instrument and by venue; incidents and their
 * transitions; venue symbology (scaling out and back, mapped-only venues). The runner checks
 * every output, runs oms_engine_check after every event and proves that a snapshot restore
 * changes nothing (scenario.c).
 */
#include "support.h"

#include "scenario.h"

int main(void)
{
    return oms_scenario_group("lifecycle A scenarios", "lifecycle_A_");
}
