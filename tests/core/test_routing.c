/*
 * test_routing.c - routing: the scenario files scenarios/routing_*.scn (best price, each
 * tie-breaker, venues down or halted, re-routes after a reject or a venue going down without the
 * same quantity live at two venues, splits across venues with cancels and replaces fanning out,
 * B-book fills at the quote, hybrid by size, the house's hedge at exactly its threshold for
 * exactly the net residual, the policy and rule events), and unit checks of the statistics.
 */
#include "support.h"

#include "core_int.h"
#include "scenario.h"

/* Ratios round half away from zero at 10^-8; latencies are integer means; nothing is a float. */
static void test_statistics(void **state)
{
    (void)state;
    oms_venue_stats_t s = {0};
    assert_int_equal(oms__venue_fill_ratio(&s), 0);
    assert_int_equal(oms__venue_ack_latency(&s), 0);
    s.orders = 3;
    s.filled_orders = 2;
    s.rejects = 1;
    assert_int_equal(oms__venue_fill_ratio(&s), 66666667); /* 2/3 */
    assert_int_equal(oms__venue_reject_ratio(&s), 33333333);
    s.ack_ns_sum = 1000;
    s.ack_n = 3;
    assert_int_equal(oms__venue_ack_latency(&s), 333);
    s.fill_ns_sum = 7;
    s.fill_n = 2;
    assert_int_equal(oms__venue_fill_latency(&s), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_statistics)};
    int rc = cmocka_run_group_tests_name("routing units", tests, NULL, NULL);
    return rc | oms_scenario_group("routing scenarios", "routing_");
}
