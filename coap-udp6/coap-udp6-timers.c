/* coap-udp6-timers.c: one timer source per context, a heap behind it
 *
 * Retransmissions, exchange deadlines and multicast leisure all need
 * timers; a GSource each would cost a timerfd-free but lock-taking
 * attach/destroy pair per request. Instead the context keeps its deadlines
 * in a binary min-heap and one GSource whose ready time is the earliest.
 *
 * The source asks for the earliest deadline in its prepare function, at
 * each iteration of the main loop, rather than through a ready time:
 * in GLib 2.74 every g_source_set_ready_time() wakes the context up
 * (a write to its eventfd, and a read and a poll more), and a block-wise
 * transfer moves its earliest deadline two or three times per block.
 * The timers are only ever changed from the context's own thread, whose
 * loop prepares its sources again before it polls.
 *
 * A test clock can replace g_get_monotonic_time(): the source then stays
 * idle and the owner fires due timers with coap_udp6_timers_run_due().
 *
 * Another heap on the same main context (a coaps interface's) can be a
 * guest of this one: it gives up its own source and this one's serves
 * both, since every source costs a prepare and a check per iteration of
 * the main loop. The host gives each guest a source of its own again
 * when it goes first.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-timers-private.h"

struct _CoapUdp6Timer {
        gint64 deadline;
        guint64 sequence;                   /* FIFO among equal deadlines */
        guint index;                        /* position in the heap */
        CoapUdp6TimerFunc func;
        gpointer data;
};

typedef struct {
        GSource source;
        CoapUdp6Timers *timers;
} TimersSource;

struct _CoapUdp6Timers {
        GPtrArray *heap;                    /* of CoapUdp6Timer, owned */
        GSource *source;                    /* (owned) (nullable) none while a host serves us */
        GMainContext *main_context;         /* (owned) (nullable) NULL: the global default */
        CoapUdp6Timers *host;               /* (unowned) (nullable) whose source serves us */
        GPtrArray *guests;                  /* (nullable) of unowned CoapUdp6Timers we serve */
        guint64 next_sequence;
        CoapUdp6ClockFunc clock;
        gpointer clock_data;
};

static gboolean
timer_before (const CoapUdp6Timer *a,
              const CoapUdp6Timer *b)
{
        return a->deadline < b->deadline ||
               (a->deadline == b->deadline && a->sequence < b->sequence);
}

static void
heap_place (CoapUdp6Timers *timers,
            CoapUdp6Timer  *timer,
            guint           index)
{
        timers->heap->pdata[index] = timer;
        timer->index = index;
}

static void
sift_up (CoapUdp6Timers *timers,
         guint           index)
{
        CoapUdp6Timer *timer = timers->heap->pdata[index];

        while (index > 0) {
                guint parent = (index - 1) / 2;
                CoapUdp6Timer *above = timers->heap->pdata[parent];

                if (!timer_before (timer, above))
                        break;
                heap_place (timers, above, index);
                index = parent;
        }
        heap_place (timers, timer, index);
}

static void
sift_down (CoapUdp6Timers *timers,
           guint           index)
{
        CoapUdp6Timer *timer = timers->heap->pdata[index];
        guint length = timers->heap->len;

        for (;;) {
                guint child = 2 * index + 1;
                CoapUdp6Timer *below;

                if (child >= length)
                        break;
                if (child + 1 < length &&
                    timer_before (timers->heap->pdata[child + 1], timers->heap->pdata[child]))
                        child++;
                below = timers->heap->pdata[child];
                if (!timer_before (below, timer))
                        break;
                heap_place (timers, below, index);
                index = child;
        }
        heap_place (timers, timer, index);
}

static void
heap_remove_at (CoapUdp6Timers *timers,
                guint           index)
{
        CoapUdp6Timer *last = g_ptr_array_steal_index_fast (timers->heap, timers->heap->len - 1);

        if (index == timers->heap->len)
                return;
        heap_place (timers, last, index);
        sift_down (timers, index);
        sift_up (timers, last->index);
}

/* The earliest deadline of one heap, or -1. */
static gint64
own_deadline (CoapUdp6Timers *timers)
{
        if (timers->clock != NULL || timers->heap->len == 0)
                return -1;
        return ((CoapUdp6Timer *) timers->heap->pdata[0])->deadline;
}

/* The earliest deadline the source waits for, its guests' included, or -1. */
static gint64
next_deadline (CoapUdp6Timers *timers)
{
        gint64 deadline = own_deadline (timers);

        for (guint i = 0; timers->guests != NULL && i < timers->guests->len; i++) {
                gint64 guest = own_deadline (timers->guests->pdata[i]);

                if (guest >= 0 && (deadline < 0 || guest < deadline))
                        deadline = guest;
        }
        return deadline;
}

static gboolean
timers_source_prepare (GSource *source,
                       gint    *timeout)
{
        gint64 deadline = next_deadline (((TimersSource *) source)->timers);
        gint64 now;

        *timeout = -1;
        if (deadline < 0)
                return FALSE;
        now = g_source_get_time (source);
        if (deadline <= now) {
                *timeout = 0;
                return TRUE;
        }
        /* Rounded up: waking before the deadline would only prepare again. */
        *timeout = (gint) MIN ((deadline - now + 999) / 1000, G_MAXINT);
        return FALSE;
}

static gboolean
timers_source_check (GSource *source)
{
        gint64 deadline = next_deadline (((TimersSource *) source)->timers);

        return deadline >= 0 && deadline <= g_source_get_time (source);
}

static gboolean
timers_source_dispatch (GSource    *source,
                        GSourceFunc callback,
                        gpointer    user_data)
{
        CoapUdp6Timers *timers = ((TimersSource *) source)->timers;

        if (timers->clock == NULL)
                coap_udp6_timers_run_due (timers);
        /* A callback may free a guest, which leaves the array: by index. */
        for (guint i = 0; timers->guests != NULL && i < timers->guests->len; i++) {
                CoapUdp6Timers *guest = timers->guests->pdata[i];

                if (guest->clock == NULL)
                        coap_udp6_timers_run_due (guest);
        }
        return G_SOURCE_CONTINUE;
}

static GSourceFuncs timers_source_funcs = {
        .prepare = timers_source_prepare,
        .check = timers_source_check,
        .dispatch = timers_source_dispatch,
};

static void
attach_source (CoapUdp6Timers *timers)
{
        timers->source = g_source_new (&timers_source_funcs, sizeof (TimersSource));
        ((TimersSource *) timers->source)->timers = timers;
        g_source_set_static_name (timers->source, "CoapUdp6Timers");
        g_source_attach (timers->source, timers->main_context);
}

static void
detach_source (CoapUdp6Timers *timers)
{
        if (timers->source == NULL)
                return;
        g_source_destroy (timers->source);
        g_clear_pointer (&timers->source, g_source_unref);
}

CoapUdp6Timers *
coap_udp6_timers_new (GMainContext *main_context)
{
        CoapUdp6Timers *timers = g_new0 (CoapUdp6Timers, 1);

        timers->heap = g_ptr_array_new_with_free_func (g_free);
        timers->main_context = main_context != NULL ? g_main_context_ref (main_context) : NULL;
        attach_source (timers);
        return timers;
}

/* @guest's timers fire from @host's source from now on, until either is
 * freed. Both must run on the same main context; a guest with guests of
 * its own, or one served already, stays as it is. */
void
coap_udp6_timers_host (CoapUdp6Timers *host,
                       CoapUdp6Timers *guest)
{
        g_return_if_fail (host != guest && host->host == NULL);

        if (guest->host != NULL || guest->guests != NULL || host->main_context != guest->main_context)
                return;
        if (host->guests == NULL)
                host->guests = g_ptr_array_new ();
        g_ptr_array_add (host->guests, guest);
        guest->host = host;
        detach_source (guest);
}

void
coap_udp6_timers_free (CoapUdp6Timers *timers)
{
        if (timers->host != NULL)
                g_ptr_array_remove_fast (timers->host->guests, timers);
        for (guint i = 0; timers->guests != NULL && i < timers->guests->len; i++) {
                CoapUdp6Timers *guest = timers->guests->pdata[i];

                guest->host = NULL;
                attach_source (guest);
        }
        g_clear_pointer (&timers->guests, g_ptr_array_unref);
        detach_source (timers);
        g_ptr_array_unref (timers->heap);
        g_clear_pointer (&timers->main_context, g_main_context_unref);
        g_free (timers);
}

gint64
coap_udp6_timers_now (CoapUdp6Timers *timers)
{
        if (timers->clock != NULL)
                return timers->clock (timers->clock_data);
        return g_get_monotonic_time ();
}

/* Returns a handle valid until the timer fires or is cancelled. */
CoapUdp6Timer *
coap_udp6_timers_add (CoapUdp6Timers   *timers,
                      gint64            delay_us,
                      CoapUdp6TimerFunc func,
                      gpointer          data)
{
        CoapUdp6Timer *timer = g_new (CoapUdp6Timer, 1);
        gint64 now = coap_udp6_timers_now (timers);

        /* Saturates: a deadline past the end of gint64 is never. */
        delay_us = MAX (delay_us, 0);
        timer->deadline = delay_us > G_MAXINT64 - now ? G_MAXINT64 : now + delay_us;
        timer->sequence = timers->next_sequence++;
        timer->func = func;
        timer->data = data;
        g_ptr_array_add (timers->heap, timer);
        sift_up (timers, timers->heap->len - 1);
        return timer;
}

void
coap_udp6_timers_cancel (CoapUdp6Timers *timers,
                         CoapUdp6Timer  *timer)
{
        if (timer == NULL)
                return;
        g_return_if_fail (timer->index < timers->heap->len &&
                          timers->heap->pdata[timer->index] == timer);
        heap_remove_at (timers, timer->index);
        g_free (timer);
}

guint
coap_udp6_timers_get_length (CoapUdp6Timers *timers)
{
        return timers->heap->len;
}

void
coap_udp6_timers_set_clock (CoapUdp6Timers   *timers,
                            CoapUdp6ClockFunc clock,
                            gpointer          data)
{
        timers->clock = clock;
        timers->clock_data = data;
}

/* Fires every timer whose deadline has passed, earliest first; timers a
 * callback adds for "now" run in the same call. */
guint
coap_udp6_timers_run_due (CoapUdp6Timers *timers)
{
        gint64 now = coap_udp6_timers_now (timers);
        guint fired = 0;

        while (timers->heap->len > 0) {
                CoapUdp6Timer *first = timers->heap->pdata[0];
                CoapUdp6TimerFunc func = first->func;
                gpointer data = first->data;

                if (first->deadline > now)
                        break;
                heap_remove_at (timers, 0);
                g_free (first);
                func (data);
                fired++;
        }
        return fired;
}
