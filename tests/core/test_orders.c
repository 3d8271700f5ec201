/*
 * test_orders.c - FIX 4.4 order handling: the transition table is complete, and the scenario
 * files scenarios/orders_*.scn (the Volume 4 order state change matrices: fills, done for day,
 * cancels in every race, replaces up and down, rejected replaces, unsolicited cancels, busts and
 * corrections, DAY and GTD expiry, status requests) pass line by line.
 */
#include "support.h"

#include "core_int.h"
#include "scenario.h"

static void test_table_complete(void **state)
{
    (void)state;
    /* every (state, event) cell names an action: nothing falls to a default */
    assert_true(oms__order_table_complete());
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_table_complete)};
    int rc = cmocka_run_group_tests_name("order table", tests, NULL, NULL);
    return rc | oms_scenario_group("order scenarios", "orders_");
}
