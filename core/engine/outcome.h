/* The official outcome definitions (docs/model.md, Outcomes; NHS Digital monthly reports,
 * Fingertips glossary). Pure functions: no state, no allocation. */
#ifndef IAPT_OUTCOME_H
#define IAPT_OUTCOME_H

enum {
	IAPT_O_FINISHED = 1 << 0,               /* ended with >= 2 attended treatment sessions [S22] */
	IAPT_O_CASENESS_FIRST = 1 << 1,         /* finished and at caseness at the first score */
	IAPT_O_RECOVERED = 1 << 2,              /* caseness first, not caseness last [S24] */
	IAPT_O_RELIABLE_IMPROVEMENT = 1 << 3,   /* PHQ-9 -6 or GAD-7 -4, no reliable deterioration [S23] */
	IAPT_O_RELIABLE_DETERIORATION = 1 << 4, /* PHQ-9 +6 or GAD-7 +4 */
	IAPT_O_RELIABLE_RECOVERY = 1 << 5       /* recovered and reliably improved [S16] */
};

#define IAPT_PHQ9_CASENESS 10 /* PHQ-9 >= 10 [S25 Table 1] */
#define IAPT_GAD7_CASENESS 8  /* GAD-7 >= 8 [S25 Table 1] */
#define IAPT_PHQ9_RELIABLE 6  /* reliable change index on PHQ-9 [S23] */
#define IAPT_GAD7_RELIABLE 4  /* reliable change index on GAD-7 [S23] */

static inline int iapt_outcome__caseness(int phq9, int gad7)
{
	return phq9 >= IAPT_PHQ9_CASENESS || gad7 >= IAPT_GAD7_CASENESS;
}

/* Flags for one ended referral from its first and last available scores and the number
 * of attended treatment sessions. Not finished: 0. */
unsigned iapt_outcome__classify(int phq_first, int gad_first, int phq_last, int gad_last, int sessions);

#endif
