/* SPDX-License-Identifier: MIT */
/* Bug selector for tests/fakes/virtq_relink_buggy.c. */
#ifndef TESTS_FAKES_VIRTQ_RELINK_BUGGY_H
#define TESTS_FAKES_VIRTQ_RELINK_BUGGY_H

enum {
    RELINK_CORRECT, /* the real re-link */
    RELINK_KERLA, /* tail -> descriptor 0 */
    RELINK_HEAD, /* head, not tail, -> previous free head */
    RELINK_STALE, /* tail left as it was */
};

extern int relink_bug;

#endif
