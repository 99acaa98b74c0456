/* test-timers.c: the context's timer heap, on a test clock and on the main loop
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-timers-private.h"
#include "test-utils.h"

typedef struct {
        gint64 now;
        GString *fired;
        CoapUdp6Timers *timers;
        CoapUdp6Timer *victim;
} Fixture;

static gint64
fake_clock (gpointer data)
{
        return ((Fixture *) data)->now;
}

static void
record (gpointer data)
{
        char **label = data;
        Fixture *f = (Fixture *) label[1];

        g_string_append (f->fired, label[0]);
}

static void
setup (Fixture      *f,
       gconstpointer unused)
{
        f->fired = g_string_new (NULL);
        f->timers = coap_udp6_timers_new (NULL);
        coap_udp6_timers_set_clock (f->timers, fake_clock, f);
}

static void
teardown (Fixture      *f,
          gconstpointer unused)
{
        coap_udp6_timers_free (f->timers);
        g_string_free (f->fired, TRUE);
}

static void
test_order (Fixture      *f,
            gconstpointer unused)
{
        static const char *delays = "9372518604";
        char *labels[10][2];

        for (guint i = 0; i < 10; i++) {
                labels[i][0] = g_strdup_printf ("%c", delays[i]);
                labels[i][1] = (char *) f;
                coap_udp6_timers_add (f->timers, (delays[i] - '0') * 10, record, labels[i]);
        }
        g_assert_cmpuint (coap_udp6_timers_get_length (f->timers), ==, 10);
        f->now = 45;
        g_assert_cmpuint (coap_udp6_timers_run_due (f->timers), ==, 5);
        g_assert_cmpstr (f->fired->str, ==, "01234");
        f->now = 1000;
        g_assert_cmpuint (coap_udp6_timers_run_due (f->timers), ==, 5);
        g_assert_cmpstr (f->fired->str, ==, "0123456789");
        g_assert_cmpuint (coap_udp6_timers_get_length (f->timers), ==, 0);
        for (guint i = 0; i < 10; i++)
                g_free (labels[i][0]);
}

static void
test_equal_deadlines_fifo (Fixture      *f,
                           gconstpointer unused)
{
        char *labels[4][2] = { { "a", (char *) f }, { "b", (char *) f },
                               { "c", (char *) f }, { "d", (char *) f } };

        for (guint i = 0; i < 4; i++)
                coap_udp6_timers_add (f->timers, 5, record, labels[i]);
        f->now = 5;
        coap_udp6_timers_run_due (f->timers);
        g_assert_cmpstr (f->fired->str, ==, "abcd");
}

static void
test_cancel (Fixture      *f,
             gconstpointer unused)
{
        char *labels[200][2];
        CoapUdp6Timer *handles[200];
        GString *expected = g_string_new (NULL);

        for (guint i = 0; i < 200; i++) {
                labels[i][0] = g_strdup_printf ("%u,", i);
                labels[i][1] = (char *) f;
                handles[i] = coap_udp6_timers_add (f->timers, (i * 7919) % 200, record, labels[i]);
        }
        for (guint i = 0; i < 200; i += 3)
                coap_udp6_timers_cancel (f->timers, handles[i]);
        coap_udp6_timers_cancel (f->timers, NULL);
        for (guint t = 0; t < 200; t++)
                for (guint i = 0; i < 200; i++)
                        if (i % 3 != 0 && (i * 7919) % 200 == t)
                                g_string_append (expected, labels[i][0]);
        f->now = 200;
        coap_udp6_timers_run_due (f->timers);
        g_assert_cmpstr (f->fired->str, ==, expected->str);
        g_string_free (expected, TRUE);
        for (guint i = 0; i < 200; i++)
                g_free (labels[i][0]);
}

static void
cancel_victim_and_rearm (gpointer data)
{
        Fixture *f = data;
        static char *late[2];

        late[0] = "late";
        late[1] = (char *) f;
        coap_udp6_timers_cancel (f->timers, g_steal_pointer (&f->victim));
        coap_udp6_timers_add (f->timers, 0, record, late);
        g_string_append (f->fired, "first,");
}

static void
test_callback_changes_heap (Fixture      *f,
                            gconstpointer unused)
{
        char *victim[2] = { "victim", (char *) f };

        coap_udp6_timers_add (f->timers, 10, cancel_victim_and_rearm, f);
        f->victim = coap_udp6_timers_add (f->timers, 20, record, victim);
        f->now = 30;
        g_assert_cmpuint (coap_udp6_timers_run_due (f->timers), ==, 2);
        g_assert_cmpstr (f->fired->str, ==, "first,late");
        g_assert_cmpuint (coap_udp6_timers_get_length (f->timers), ==, 0);
}

static void
count_fired (gpointer data)
{
        (*(guint *) data)++;
}

static void
test_main_loop (void)
{
        GMainContext *main_context = g_main_context_new ();
        CoapUdp6Timers *timers;
        guint fired = 0;
        gint64 start = g_get_monotonic_time ();

        g_main_context_push_thread_default (main_context);
        timers = coap_udp6_timers_new (main_context);
        coap_udp6_timers_add (timers, 30 * 1000, count_fired, &fired);
        coap_udp6_timers_add (timers, 10 * 1000, count_fired, &fired);
        coap_udp6_timers_cancel (timers, coap_udp6_timers_add (timers, 1000, count_fired, &fired));
        while (fired < 2)
                g_main_context_iteration (main_context, TRUE);
        g_assert_cmpint (g_get_monotonic_time () - start, >=, 30 * 1000);
        g_assert_cmpuint (coap_udp6_timers_get_length (timers), ==, 0);
        g_assert_false (g_main_context_iteration (main_context, FALSE));
        coap_udp6_timers_free (timers);
        g_main_context_pop_thread_default (main_context);
        g_main_context_unref (main_context);
}

static gint64
frozen_clock (gpointer data)
{
        return 0;
}

static void
test_guest (void)
{
        GMainContext *main_context = g_main_context_new ();
        CoapUdp6Timers *host, *guest, *frozen;
        guint host_fired = 0, guest_fired = 0, frozen_fired = 0;

        g_test_summary ("A guest heap's timers fire from its host's source, not a frozen "
                        "guest's, and from a source of its own once the host is gone");
        g_main_context_push_thread_default (main_context);
        host = coap_udp6_timers_new (main_context);
        guest = coap_udp6_timers_new (main_context);
        frozen = coap_udp6_timers_new (main_context);
        coap_udp6_timers_host (host, guest);
        coap_udp6_timers_host (host, frozen);
        /* Hosting twice, or a host as a guest, changes nothing. */
        coap_udp6_timers_host (host, guest);
        coap_udp6_timers_set_clock (frozen, frozen_clock, NULL);
        coap_udp6_timers_add (frozen, -1, count_fired, &frozen_fired);

        /* The host has no timer of its own: only the guest's wakes it. */
        coap_udp6_timers_add (guest, 5 * 1000, count_fired, &guest_fired);
        while (guest_fired == 0)
                g_main_context_iteration (main_context, TRUE);
        coap_udp6_timers_add (host, 1000, count_fired, &host_fired);
        coap_udp6_timers_add (guest, 2000, count_fired, &guest_fired);
        while (host_fired == 0 || guest_fired < 2)
                g_main_context_iteration (main_context, TRUE);
        g_assert_cmpuint (frozen_fired, ==, 0);
        g_assert_cmpuint (coap_udp6_timers_run_due (frozen), ==, 1);

        /* A freed guest leaves the host. */
        coap_udp6_timers_free (frozen);
        coap_udp6_timers_add (host, 1000, count_fired, &host_fired);
        while (host_fired < 2)
                g_main_context_iteration (main_context, TRUE);

        /* The host goes first: the guest gets a source back. */
        coap_udp6_timers_add (guest, 1000, count_fired, &guest_fired);
        coap_udp6_timers_free (host);
        while (guest_fired < 3)
                g_main_context_iteration (main_context, TRUE);
        g_assert_false (g_main_context_iteration (main_context, FALSE));
        coap_udp6_timers_free (guest);
        g_assert_false (g_main_context_pending (main_context));
        g_main_context_pop_thread_default (main_context);
        g_main_context_unref (main_context);
}

int
main (int   argc,
      char *argv[])
{
        test_init (&argc, &argv);
        g_test_add ("/timers/order", Fixture, NULL, setup, test_order, teardown);
        g_test_add ("/timers/equal-deadlines-fifo", Fixture, NULL, setup,
                    test_equal_deadlines_fifo, teardown);
        g_test_add ("/timers/cancel", Fixture, NULL, setup, test_cancel, teardown);
        g_test_add ("/timers/callback-changes-heap", Fixture, NULL, setup,
                    test_callback_changes_heap, teardown);
        g_test_add_func ("/timers/main-loop", test_main_loop);
        g_test_add_func ("/timers/guest", test_guest);
        return g_test_run ();
}
