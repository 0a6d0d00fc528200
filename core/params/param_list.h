/* The parameter table: every model number, its bounds, unit and source. Included with
 * X defined; see params.c and params_internal.h. Order is the order of `iaptsim params`.
 * sourced = 1: the default is a published figure. sourced = 0: calibrated or assumed;
 * the source field says which and against what. Calibration: docs/calibration.md.
 *
 * X(id, name, default, min, max, unit, integer, sourced, description, source) */

/* Run */
X(RUN_BURN_IN_YEARS, "run.burn_in_years", 1, 0, 5, "years", 1, 0,
  "Warm-up years simulated before the first reported year (first year's settings), so waiting lists and caseloads start full",
  "Modelling choice (not a published figure)")
X(RUN_PSA_DRAWS_PER_WARM_UP, "run.psa_draws_per_warm_up", 1, 1, 1000, "draws", 1, 0,
  "Draws of a probabilistic sensitivity analysis that continue from one warm-up, for speed: each group of this many replicates starts its reported years from the waiting lists and caseloads its first draw's own warm-up left (about 30% less CPU a draw at 10); 1, the default: every draw simulates its own warm-up. It understates the spread of waiting times over draws and misstates how outputs move with parameters that shape the waiting lists. Only with an uncertainty block, no plugins and a warm-up",
  "Modelling choice; its errors measured against a warm-up per draw (docs/uncertainty.md, section One warm-up for several draws)")

/* Referrals */
X(REFERRALS_ANNUAL, "referrals.annual", 1694790, 0, 1e8, "referrals/year", 0, 1,
  "Referrals received in England in the financial year (schedule by year for history)",
  "NHS Digital IAPT annual report 2019-20 (S16); data/national_annual.csv")
X(REFERRALS_GROWTH, "referrals.annual_growth", 0, -0.5, 1, "proportion/year", 0, 0,
  "Growth of referrals a year after the last year given in referrals.annual",
  "Scenario setting (no default growth assumed)")

/* Who is referred (docs/model.md, Who is referred): the engine uses each year's share from
 * data/case_mix.csv for an attribute whose weights a scenario leaves at their defaults */
#ifndef IAPT_CASEMIX_SOURCE_
#define IAPT_CASEMIX_SOURCE_ \
	"NHS England key measures, referrals received, not stated left out: each year's share from data/case_mix.csv unless the scenario sets this attribute's weights; the value shown is 2019-20's"
#endif
X(POP_AGE_UNDER_16, "population.age_under_16", 0.001392, 0, 1, "weight", 0, 1,
  "Relative weight of age band under 16 among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_AGE_16_17, "population.age_16_17", 0.01929, 0, 1, "weight", 0, 1,
  "Relative weight of age band 16-17 among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_AGE_18_25, "population.age_18_25", 0.223472, 0, 1, "weight", 0, 1,
  "Relative weight of age band 18-25 among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_AGE_26_35, "population.age_26_35", 0.284382, 0, 1, "weight", 0, 1,
  "Relative weight of age band 26-35 among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_AGE_36_64, "population.age_36_64", 0.409251, 0, 1, "weight", 0, 1,
  "Relative weight of age band 36-64 among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_AGE_65_74, "population.age_65_74", 0.039883, 0, 1, "weight", 0, 1,
  "Relative weight of age band 65-74 among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_AGE_75_89, "population.age_75_89", 0.021435, 0, 1, "weight", 0, 1,
  "Relative weight of age band 75-89 among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_AGE_90_PLUS, "population.age_90_plus", 0.000895, 0, 1, "weight", 0, 1,
  "Relative weight of age band 90 and over among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_GENDER_FEMALE, "population.gender_female", 0.651994, 0, 1, "weight", 0, 1,
  "Relative weight of gender female among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_GENDER_MALE, "population.gender_male", 0.348006, 0, 1, "weight", 0, 1,
  "Relative weight of gender male among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_GENDER_OTHER, "population.gender_other", 0, 0, 1, "weight", 0, 1,
  "Relative weight of gender other (published: indeterminate) among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_ETH_WHITE, "population.ethnicity_white", 0.854975, 0, 1, "weight", 0, 1,
  "Relative weight of ethnic group White among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_ETH_MIXED, "population.ethnicity_mixed", 0.029662, 0, 1, "weight", 0, 1,
  "Relative weight of ethnic group Mixed among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_ETH_ASIAN, "population.ethnicity_asian", 0.059163, 0, 1, "weight", 0, 1,
  "Relative weight of ethnic group Asian or Asian British among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_ETH_BLACK, "population.ethnicity_black", 0.03629, 0, 1, "weight", 0, 1,
  "Relative weight of ethnic group Black or Black British among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_ETH_OTHER, "population.ethnicity_other", 0.01991, 0, 1, "weight", 0, 1,
  "Relative weight of ethnic group other ethnic groups among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_IMD_1, "population.imd_decile_1", 0.069598, 0, 1, "weight", 0, 1,
  "Relative weight of IMD decile 1 (least deprived) among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_IMD_2, "population.imd_decile_2", 0.078211, 0, 1, "weight", 0, 1,
  "Relative weight of IMD decile 2 among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_IMD_3, "population.imd_decile_3", 0.083365, 0, 1, "weight", 0, 1,
  "Relative weight of IMD decile 3 among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_IMD_4, "population.imd_decile_4", 0.086874, 0, 1, "weight", 0, 1,
  "Relative weight of IMD decile 4 among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_IMD_5, "population.imd_decile_5", 0.094061, 0, 1, "weight", 0, 1,
  "Relative weight of IMD decile 5 among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_IMD_6, "population.imd_decile_6", 0.099222, 0, 1, "weight", 0, 1,
  "Relative weight of IMD decile 6 among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_IMD_7, "population.imd_decile_7", 0.111017, 0, 1, "weight", 0, 1,
  "Relative weight of IMD decile 7 among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_IMD_8, "population.imd_decile_8", 0.117733, 0, 1, "weight", 0, 1,
  "Relative weight of IMD decile 8 among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_IMD_9, "population.imd_decile_9", 0.125591, 0, 1, "weight", 0, 1,
  "Relative weight of IMD decile 9 among referrals", IAPT_CASEMIX_SOURCE_)
X(POP_IMD_10, "population.imd_decile_10", 0.134328, 0, 1, "weight", 0, 1,
  "Relative weight of IMD decile 10 (most deprived) among referrals", IAPT_CASEMIX_SOURCE_)
X(PROB_DEPRESSION, "problem.depression", 0.434692, 0, 1, "weight", 0, 1,
  "Relative weight of problem descriptor: depression", IAPT_CASEMIX_SOURCE_)
X(PROB_GAD, "problem.generalised_anxiety", 0.245942, 0, 1, "weight", 0, 1,
  "Relative weight of problem descriptor: generalised anxiety disorder", IAPT_CASEMIX_SOURCE_)
X(PROB_MIXED, "problem.mixed_anxiety_depression", 0.066855, 0, 1, "weight", 0, 1,
  "Relative weight of problem descriptor: mixed anxiety and depressive disorder", IAPT_CASEMIX_SOURCE_)
X(PROB_SOCIAL, "problem.social_anxiety", 0.023197, 0, 1, "weight", 0, 1,
  "Relative weight of problem descriptor: social anxiety disorder (NICE: starts at high intensity)", IAPT_CASEMIX_SOURCE_)
X(PROB_PTSD, "problem.ptsd", 0.047227, 0, 1, "weight", 0, 1,
  "Relative weight of problem descriptor: PTSD (NICE: starts at high intensity)", IAPT_CASEMIX_SOURCE_)
X(PROB_PANIC, "problem.panic", 0.020274, 0, 1, "weight", 0, 1,
  "Relative weight of problem descriptor: panic disorder", IAPT_CASEMIX_SOURCE_)
X(PROB_OCD, "problem.ocd", 0.01802, 0, 1, "weight", 0, 1,
  "Relative weight of problem descriptor: obsessive-compulsive disorder", IAPT_CASEMIX_SOURCE_)
X(PROB_HEALTH_ANX, "problem.health_anxiety", 0.010107, 0, 1, "weight", 0, 1,
  "Relative weight of problem descriptor: health anxiety (hypochondriacal disorder)", IAPT_CASEMIX_SOURCE_)
X(PROB_AGORAPHOBIA, "problem.agoraphobia", 0.005912, 0, 1, "weight", 0, 1,
  "Relative weight of problem descriptor: agoraphobia", IAPT_CASEMIX_SOURCE_)
X(PROB_SPECIFIC_PHOBIA, "problem.specific_phobia", 0.006936, 0, 1, "weight", 0, 1,
  "Relative weight of problem descriptor: specific (isolated) phobias", IAPT_CASEMIX_SOURCE_)
X(PROB_OTHER_ANX, "problem.other_anxiety", 0.04991, 0, 1, "weight", 0, 1,
  "Relative weight of problem descriptor: other anxiety or stress related disorders", IAPT_CASEMIX_SOURCE_)
X(PROB_OTHER, "problem.other", 0.070928, 0, 1, "weight", 0, 1,
  "Relative weight of problem descriptor: other mental health and other recorded problems", IAPT_CASEMIX_SOURCE_)
X(BASE_PHQ_MEAN, "baseline.phq9_mean", 16.5, 0, 27, "PHQ-9 points", 0, 0,
  "Mean of the latent baseline PHQ-9 (before rounding and clamping to 0-27)",
  "Calibrated to 93.9% of finishers at caseness, 2019-20 (S16); shape (to source)")
X(BASE_PHQ_SD, "baseline.phq9_sd", 4, 0, 15, "PHQ-9 points", 0, 0,
  "Standard deviation of the latent baseline PHQ-9", "(to source) assumed; see docs/calibration.md")
X(BASE_GAD_MEAN, "baseline.gad7_mean", 14, 0, 21, "GAD-7 points", 0, 0,
  "Mean of the latent baseline GAD-7", "Calibrated with baseline.phq9_mean to caseness 93.9% (S16)")
X(BASE_GAD_SD, "baseline.gad7_sd", 3.2, 0, 12, "GAD-7 points", 0, 0,
  "Standard deviation of the latent baseline GAD-7", "(to source) assumed")
X(BASE_CORR, "baseline.phq9_gad7_correlation", 0.70, -1, 1, "correlation", 0, 0,
  "Correlation of baseline PHQ-9 and GAD-7", "(to source) assumed")
X(EMP_UNEMPLOYED, "employment.unemployed_share", 0.168, 0, 1, "proportion", 0, 1,
  "Share of referrals unemployed and seeking work at referral",
  "Davis et al. 2020, Evid Based Ment Health 23:8-14 (19 services' records, as quoted by cbtwatch.com): 16.8% unemployed; the same for every year (no yearly breakdown found)")
X(EMP_SICK, "employment.sick_or_disabled_share", 0.069, 0, 1, "proportion", 0, 1,
  "Share of referrals long-term sick or disabled (on benefits) at referral",
  "Davis et al. 2020 (as above): 6.9% long-term sick or disabled; with the unemployed 23.7% of referrals, against 21.0% of 2014-15 finishers (HSCIC 2014-15 annual report, quoted by the Education Policy Institute 2015, S7), who include fewer of them")
X(EMP_NOT_SEEKING, "employment.not_seeking_work_share", 0.17, 0, 1, "proportion", 0, 0,
  "Share of referrals not seeking work at referral (students, retired, looking after a home)",
  "(to source) assumed, range 0.10-0.22")
X(EMP_SICK_PAY, "employment.sick_pay_share", 0.10, 0, 1, "proportion", 0, 0,
  "Share of employed referrals off work on sick pay at referral",
  "(to source) assumed, range 0.05-0.20; fit notes for mental disorders are the most common (Black and Frost 2011)")
X(LTC_SHARE, "ltc.share", 0.331631, 0, 1, "proportion", 0, 1,
  "Share of referrals with a long-term physical condition",
  IAPT_CASEMIX_SOURCE_)
X(LTC_DIABETES, "ltc.diabetes", 0.15, 0, 1, "weight", 0, 0,
  "Relative weight of diabetes among long-term conditions", "(to source) assumed condition mix")
X(LTC_COPD, "ltc.copd", 0.10, 0, 1, "weight", 0, 0,
  "Relative weight of COPD among long-term conditions", "(to source) assumed condition mix")
X(LTC_CARDIO, "ltc.cardiovascular", 0.20, 0, 1, "weight", 0, 0,
  "Relative weight of cardiovascular disease among long-term conditions", "(to source) assumed condition mix")
X(LTC_MSK, "ltc.musculoskeletal_pain", 0.35, 0, 1, "weight", 0, 0,
  "Relative weight of musculoskeletal conditions and pain", "(to source) assumed condition mix")
X(LTC_OTHER, "ltc.other", 0.20, 0, 1, "weight", 0, 0,
  "Relative weight of other long-term conditions", "(to source) assumed condition mix")
X(LTC_EFFECT, "ltc.effect_multiplier", 0.85, 0, 2, "multiplier", 0, 0,
  "Treatment effect for people with a long-term condition, relative to those without",
  "Direction from Verbist and Lorimer 2026 (Br J Clin Psychol; OR 0.83 for reliable recovery) and Seaton et al. 2022; size assumed")

/* Group effects by mechanism (docs/model.md, How groups differ): each value of each attribute at
 * referral has four multipliers, on the response to each session (p->resp), on the chances of
 * dropping out, on the chance of missing a booked appointment, and on the weekly chance of
 * leaving the waiting list. A person's multiplier is the product over their attributes.
 * IAPT_EFFECT_ROWS_(ID, "level", "who", response, source): the four rows of one value, in the
 * order of the value lists (iaptsim/hooks.h); core/engine/state.h relies on that order. The
 * response multipliers are fitted to the published group recovery of 2017-18 and 2018-19 by
 * tools/fit_group_effects.py (docs/validation.md); the other three stay 1, not fitted. */
#ifndef IAPT_EFFECT_ROWS_
#define IAPT_EFFECT_ROWS_(ID, lvl, who, resp, src) \
	X(EFF_##ID##_RESPONSE, "effect." lvl ".response", resp, 0.05, 20, "multiplier", 0, 0, \
	  "Response to each treatment session of " who ", relative to the national calibration", \
	  resp == 1 ? src : IAPT_EFFECT_FITTED_) \
	X(EFF_##ID##_DROPOUT, "effect." lvl ".dropout", 1, 0, 20, "multiplier", 0, 0, \
	  "Chances of dropping out of treatment (after the first session, a later one, a missed one) of " who ", relative", src) \
	X(EFF_##ID##_DNA, "effect." lvl ".dna", 1, 0, 9, "multiplier", 0, 0, \
	  "Chance of missing a booked treatment appointment of " who ", relative", src) \
	X(EFF_##ID##_LEAVE, "effect." lvl ".waitlist_leave", 1, 0, 20, "multiplier", 0, 0, \
	  "Weekly chance of leaving the waiting list before a first session of " who ", relative", src)
#define IAPT_EFFECT_CALIBRATED_ "(calibrated: docs/validation.md) 1, no effect: not fitted (the group figures are fitted through the response alone)"
#define IAPT_EFFECT_FITTED_ "calibrated on NHS TT annual data 2017-18 and 2018-19 (docs/validation.md): recovery by group, relative to the attribute's mean"
#endif
IAPT_EFFECT_ROWS_(AGE_UNDER_16, "age_under_16", "age band under_16", 2.648, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(AGE_16_17, "age_16_17", "age band 16_17", 0.5716, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(AGE_18_25, "age_18_25", "age band 18_25", 0.8021, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(AGE_26_35, "age_26_35", "age band 26_35", 0.8021, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(AGE_36_64, "age_36_64", "age band 36_64", 1.085, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(AGE_65_74, "age_65_74", "age band 65_74", 2.419, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(AGE_75_89, "age_75_89", "age band 75_89", 2.419, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(AGE_90_PLUS, "age_90_plus", "age band 90_plus", 2.419, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(GENDER_FEMALE, "gender_female", "gender female", 0.9734, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(GENDER_MALE, "gender_male", "gender male", 1.054, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(GENDER_OTHER, "gender_other", "gender other", 1, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(ETH_WHITE, "ethnicity_white", "ethnic group white", 1.05, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(ETH_MIXED, "ethnicity_mixed", "ethnic group mixed", 0.6653, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(ETH_ASIAN, "ethnicity_asian", "ethnic group asian", 0.6789, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(ETH_BLACK, "ethnicity_black", "ethnic group black", 0.7364, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(ETH_OTHER, "ethnicity_other", "ethnic group other", 0.6442, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(IMD_1, "imd_decile_1", "IMD decile 1", 1.55, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(IMD_2, "imd_decile_2", "IMD decile 2", 1.483, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(IMD_3, "imd_decile_3", "IMD decile 3", 1.324, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(IMD_4, "imd_decile_4", "IMD decile 4", 1.263, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(IMD_5, "imd_decile_5", "IMD decile 5", 1.183, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(IMD_6, "imd_decile_6", "IMD decile 6", 1.072, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(IMD_7, "imd_decile_7", "IMD decile 7", 0.9347, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(IMD_8, "imd_decile_8", "IMD decile 8", 0.8465, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(IMD_9, "imd_decile_9", "IMD decile 9", 0.6951, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(IMD_10, "imd_decile_10", "IMD decile 10", 0.4969, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(PROB_DEPRESSION, "problem_depression", "problem depression", 0.876, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(PROB_GAD, "problem_generalised_anxiety", "problem generalised_anxiety", 1.549, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(PROB_MIXED, "problem_mixed_anxiety_depression", "problem mixed_anxiety_depression", 0.7679, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(PROB_SOCIAL, "problem_social_anxiety", "problem social_anxiety", 0.6697, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(PROB_PTSD, "problem_ptsd", "problem ptsd", 0.5841, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(PROB_PANIC, "problem_panic", "problem panic", 1.124, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(PROB_OCD, "problem_ocd", "problem ocd", 0.9115, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(PROB_HEALTH_ANX, "problem_health_anxiety", "problem health_anxiety", 1.312, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(PROB_AGORAPHOBIA, "problem_agoraphobia", "problem agoraphobia", 0.3912, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(PROB_SPECIFIC_PHOBIA, "problem_specific_phobia", "problem specific_phobia", 2.516, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(PROB_OTHER_ANX, "problem_other_anxiety", "problem other_anxiety", 1.412, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(PROB_OTHER, "problem_other", "problem other", 0.6979, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(LTC_YES, "ltc_yes", "people with a long-term condition (on top of ltc.effect_multiplier)", 0.8435, IAPT_EFFECT_CALIBRATED_)
IAPT_EFFECT_ROWS_(LTC_NO, "ltc_no", "people without a long-term condition", 1.076, IAPT_EFFECT_CALIBRATED_)

/* Access and waiting */
X(ACCESS_SIGNPOST, "access.signpost_share", 0.25, 0, 1, "proportion", 0, 0,
  "Share of referrals that end at initial contact whatever the wait (signposted, not suitable, declined)",
  "Calibrated with access.leave_weekly to 29-31% going no further than initial contact (S27, S17) and entered 2019-20 (S16)")
X(ACCESS_LEAVE, "access.leave_weekly", 0.01, 0, 1, "probability/week", 0, 0,
  "Weekly chance that a person on the waiting list leaves before a first treatment session",
  "(to source) calibrated; makes the chance to enter fall as the wait grows")
X(ACCESS_PRIORITY_WEEKS, "access.first_treatment_priority_weeks", 0, 0, 52, "weeks", 1, 0,
  "Services see people who have waited this many weeks for a first treatment session before their caseloads' weekly sessions (0: off, the caseload first). Where capacity is short the pressure moves from the wait to start into the wait between sessions (hidden waits), and some of those in treatment not seen in a week leave (access.unseen_leave_weekly)",
  "Modelling choice, off by default (docs/calibration.md, Hidden waits, for what it does to the services' checks). The practice it stands for: services met the waiting-time standard (75% first treated within 6 weeks; NHS Mandate 2015-16, pp16-17) by starting treatment on time, and people then waited for their second session: in the year a BBC analysis of NHS data covered (reported in December 2019) half waited over 28 days and one in six over 90, and NHS England put those leaving between the two at about 100,000 a year (same report)")
X(ACCESS_PRIORITY_SHARE, "access.first_treatment_priority_share", 1, 0, 1, "proportion", 0, 0,
  "The most of a service's weekly sessions that go to first sessions ahead of the caseload under access.first_treatment_priority_weeks; a service whose long waiters need more breaches the standard",
  "Modelling choice (1: no cap); docs/calibration.md, Hidden waits")
X(ACCESS_UNSEEN_LEAVE, "access.unseen_leave_weekly", 0.01, 0, 1, "probability/week", 0, 0,
  "Under access.first_treatment_priority_weeks, the weekly chance that a person in treatment whom the service could not see that week (its sessions ran out) leaves treatment, times their group's effect on leaving (as on the waiting list)",
  "Modelling choice: assumed the waiting list's weekly chance of leaving (access.leave_weekly); docs/calibration.md, Hidden waits")
X(ACCESS_HI_FIRST, "access.hi_first_share", 0.19, 0, 1, "proportion", 0, 0,
  "Share starting at high intensity among problems where NICE does not require it",
  "Calibrated to the 2017-18 to 2019-20 step mixes (S16; data/pathway_mix.csv) with each year's problem mix (data/case_mix.csv); 0.18 when every year had the 2019-20 mix")

/* Workforce and capacity */
X(WF_SERVICES, "workforce.services", 200, 1, 5000, "services", 1, 0,
  "Number of local services nationally with synthetic services (services: synthetic; each has its own waiting lists and capacity); scaled with population_scale. The default services are the 191 CCGs of data/services.csv at every scale",
  "(to source) approximate count of IAPT services in England")
X(WF_CAP_SD, "workforce.capacity_sd", 0.35, 0, 2, "log-scale SD", 0, 0,
  "Spread of capacity relative to demand across synthetic services (lognormal); the CCG services of data/services.csv take theirs from their published throughput",
  "(to source) calibrated to the 6- and 18-week waits, 2019-20 (S16)")
/* Services (docs/model.md, Services): the services table's features act through these */
X(SVC_CAP_SPREAD, "services.capacity_spread", 0.72, 0, 1.5, "exponent", 0, 0,
  "How far a service's published throughput (finished courses / referrals, relative to England's) sets its capacity against its demand: capacity share = referral share x relative throughput ^ this, renormalised; 1: throughput is all capacity, 0: capacity in proportion to referrals",
  "Calibrated to the national share of finished courses first treated within 6 weeks in 2019-20 (87.4%, S16), as workforce.capacity_sd was for synthetic services: 0.5 gives 91.1%, 0.75 87.1% (scenarios/default.yaml); data/services.csv referrals_received, finished_course")
X(SVC_DESC_SPREAD, "services.descriptor_spread", 1, 0, 2, "multiplier", 0, 0,
  "Share of each service's published difference in problem-descriptor recording (finished courses, relative to the mean of services) applied to its chance of a recorded descriptor, and so of treatment matched to the problem (treatment.unmatched_effect); 0: every service at treatment.descriptor_recorded",
  "Modelling choice: 1 applies data/services.csv pd_recorded_finished_share (S16) as published; recording predicts recovery across services, Clark et al. 2018 (S29)")
X(SVC_STEPUP_SPREAD, "services.stepup_spread", 1, 0, 2, "multiplier", 0, 0,
  "Share of each service's published difference in step-up practice (share of LI courses stepped up to HI, relative to the mean of services) applied to treatment.stepup_share; 0: every service at treatment.stepup_share",
  "Modelling choice: 1 applies data/services.csv step_up_share (S16) as published; step-up practice, IAPT Manual 2018")
X(SVC_DNA_SD, "services.dna_sd", 0.28, 0, 1, "log-scale SD", 0, 0,
  "Spread of the missed-appointment rate across services: each service's treatment.dna_rate is multiplied by a lognormal factor (mean 1); no published CCG figures, so which service is where is drawn with its residual, given its published recovery (data/services_residuals.csv dna_z; docs/model.md, Services)",
  "Assumption (to source for CCGs): log-SD of DNA % across the 128 providers with 500+ finished courses in 2021-22 (0.276; 0.280 in 2022-23), data/service_sessions_dna.csv (measures M084, M082); assumed to hold for CCGs and for 2017-18 to 2019-20")
X(SVC_SESS_SD, "services.sessions_sd", 0.17, 0, 1, "log-scale SD", 0, 0,
  "Spread of sessions offered per course across services: each service's treatment.li_max_sessions and treatment.hi_max_sessions are multiplied by a lognormal factor (median 1), rounded; which service is where is drawn with its residual, given its published recovery (data/services_residuals.csv sessions_z)",
  "Assumption (to source for CCGs): log-SD of mean appointments per finished course across the 128 providers with 500+ finished courses in 2021-22 (0.171; 0.168 in 2022-23), data/service_sessions_dna.csv (M112); assumed to hold for CCGs and for 2017-18 to 2019-20")
X(SVC_RESID_WEIGHT, "services.residual_weight", 1, 0, 1, "exponent", 0, 0,
  "Weight of each service's fitted residual response multiplier (data/services_residuals.csv): its unexplained difference in recovery; 0: none",
  "Calibrated on the 2017-18 and 2018-19 service rows only (tools/services_calibrate.py); 2019-20 rows are the check")
X(WF_LI_WTE, "workforce.li_wte", 3600, 0, 1e6, "WTE", 0, 0,
  "Low-intensity practitioners (PWPs), whole-time equivalents, England",
  "(to source) calibrated to waits and volumes 2019-20; workforce census figures not yet read")
X(WF_HI_WTE, "workforce.hi_wte", 4800, 0, 1e6, "WTE", 0, 0,
  "High-intensity therapists, whole-time equivalents, England",
  "(to source) calibrated to waits and volumes 2019-20; workforce census figures not yet read")
X(WF_LI_SPW, "workforce.li_sessions_per_wte_week", 20, 0, 80, "sessions/WTE-week", 0, 0,
  "Treatment sessions a low-intensity WTE delivers in a working week", "(to source) assumed")
X(WF_HI_SPW, "workforce.hi_sessions_per_wte_week", 15, 0, 60, "sessions/WTE-week", 0, 0,
  "Treatment sessions a high-intensity WTE delivers in a working week", "(to source) assumed")
X(WF_WEEKS, "workforce.working_weeks", 44, 1, 52, "weeks/year", 0, 0,
  "Working weeks a year per WTE (after leave, training, sickness)", "(to source) assumed")

/* Treatment */
X(TX_DNA, "treatment.dna_rate", 0.10, 0, 0.9, "proportion", 0, 1,
  "Share of booked treatment appointments not attended",
  "NHS England monthly statistics: 10.0% in 2021-22, 9.5% in 2023-24")
X(TX_DROP_FIRST, "treatment.dropout_after_first", 0.45, 0, 1, "probability", 0, 0,
  "Chance of ending after the first attended treatment session",
  "Calibrated to finished/entered 2019-20 (S16); 43% of entrants did not finish in 2018-19 (S27)")
X(TX_DROP_LATER, "treatment.dropout_per_session", 0.04, 0, 1, "probability/session", 0, 0,
  "Chance of ending after each later attended session", "(to source) calibrated to mean sessions 6.9 (S16)")
X(TX_DROP_DNA, "treatment.dropout_after_dna", 0.25, 0, 1, "probability", 0, 0,
  "Chance of ending after a missed appointment", "(to source) assumed")
X(TX_DROP_WAIT, "treatment.dropout_per_wait_week", 0.006, 0, 0.1, "probability/week", 0, 0,
  "Added chance of ending after the first session per week waited",
  "Direction from Clark et al. 2018 (S29: shorter waits, better outcomes); size (to source)")
X(TX_RESP_WAIT, "treatment.response_loss_per_wait_week", 0, 0, 0.2, "proportion/week", 0, 0,
  "Loss of response to treatment for each week waited before the first treatment: the person's response x (1 - this)^weeks, from their first treatment on; 0: off",
  "(to source) 0, no loss: no published size read. Direction: van Dijk et al. 2023 (J Affect Disord 322:205-211: longer waits, less improvement in the six months of treatment; their coefficient, B = 0.049 per unit of wait, is not this k: its units are not in the abstract). Tried at 0.05, calibrated on the services' association of recovery with the 6-week share in the published rows of 2017-18 and 2018-19, with the wait frozen: not adopted (docs/calibration.md, The wait and the first score)")
X(TX_DROP_WAIT_LATER, "treatment.dropout_later_per_wait_week", 0, 0, 0.1, "probability/week", 0, 0,
  "Added chance of ending after each session after the first, per week waited before the first (disengagement that lasts); 0: off",
  "Off: no published size found. Direction: Clark et al. 2018 (S29: longer waits, worse outcomes); van Dijk et al. 2023 (J Affect Disord 322:205-211: longer waits, less improvement in treatment); against: Reitzel et al. 2006 (Psychol Serv 3:51-60: wait not related to premature termination). An assumed 0.003 (half of treatment.dropout_per_wait_week) with the session effects refitted on 2017-18 and 2018-19 gave the wait its published sign but sessions' odds ratio 0.995 to 1.013 (band 1.05 to 1.6) and, fitted to 2017-18 and 2018-19, a 2019-20 service p90 outside tolerance (docs/calibration.md, docs/validation.md Services)")
X(TX_LI_MAX, "treatment.li_max_sessions", 6, 1, 40, "sessions", 1, 0,
  "Low-intensity sessions offered in a course", "(to source) calibrated to mean sessions 6.9 (S16)")
X(TX_HI_MAX, "treatment.hi_max_sessions", 11, 1, 40, "sessions", 1, 0,
  "High-intensity sessions offered in a course", "(to source) calibrated to mean sessions 6.9 (S16)")
X(TX_MIN_WELL, "treatment.min_sessions_before_discharge", 4, 2, 40, "sessions", 1, 0,
  "Fewest sessions before a planned discharge for being below caseness (services book a short course, not a single check-in)",
  "(to source) assumed service practice; 4 gives LI-only courses of 4.4 sessions and HI-only of 6.8 in 2019-20, within 20% of Radhakrishnan et al. 2013 (S30; data/sessions_by_pathway.csv): 3 gave 4.0")
X(TX_WELL_DISCHARGE, "treatment.discharge_when_well", 0.6, 0, 1, "probability", 0, 0,
  "Chance of a planned discharge at a session scored below caseness", "(to source) calibrated to mean sessions")
X(TX_STEPUP_REVIEW, "treatment.stepup_review_session", 3, 1, 40, "sessions", 1, 0,
  "Low-intensity session at which progress is reviewed for step-up", "(to source) assumed")
X(TX_STEPUP, "treatment.stepup_share", 0.75, 0, 1, "probability", 0, 0,
  "Chance of stepping up to high intensity when not improving at review or at course end",
  "Calibrated to the 2019-20 step mix (S16); step-up rates matter (Gyani et al. 2013, S28)")
X(TX_EFFECT_LI, "treatment.effect_li", 0.087, 0, 1, "proportion/session", 0, 0,
  "Proportional reduction of latent symptoms per attended low-intensity session",
  "Calibrated to recovery and reliable improvement 2019-20 (S16); 0.086 before the referral mix came from data/case_mix.csv")
X(TX_EFFECT_HI, "treatment.effect_hi", 0.092, 0, 1, "proportion/session", 0, 0,
  "Proportional reduction of latent symptoms per attended high-intensity session",
  "Calibrated to recovery and reliable improvement 2019-20 (S16)")
X(TX_RESP_SD, "treatment.responsiveness_sd", 1.2, 0, 3, "log-scale SD", 0, 0,
  "Spread of how much people respond to treatment (lognormal, mean 1)",
  "(to source) calibrated to reliable improvement and deterioration 2019-20 (S16)")
X(TX_DESCRIPTOR, "treatment.descriptor_recorded", 0.95, 0, 1, "proportion", 0, 0,
  "Share of people whose problem descriptor is recorded, so that treatment matches the NICE-recommended therapy",
  "Direction from Clark et al. 2018 (S29); level (to source)")
X(TX_UNMATCHED, "treatment.unmatched_effect", 0.6, 0, 1, "multiplier", 0, 0,
  "Treatment effect when the problem descriptor is not recorded, relative to matched treatment",
  "Direction from Clark et al. 2018 (S29); size (to source)")

/* Symptoms */
X(SYM_DECLINE, "symptoms.natural_decline_weekly", 0.02, 0, 0.5, "proportion/week", 0, 1,
  "Weekly proportional drift down of untreated symptoms",
  "Posternak and Miller 2001: about 15% of baseline over 8 weeks on a wait list (1-0.85^(1/8))")
X(SYM_DECLINE_SD, "symptoms.natural_decline_sd", 0, 0, 2, "log-scale SD", 0, 0,
  "Spread between people of the untreated course: each person's weekly decline is symptoms.natural_decline_weekly x their own lognormal factor (mean 1, capped at 0.5 a week), fixed for the person; 0: the same for everyone",
  "(to source) off by default: no published size found. A remission hazard that falls over an episode (Keller et al. 1992; followup.remission_monthly_*) implies that people differ in how fast they remit. At 1 the model's services lose most of their gain in recovery from longer waits (docs/calibration.md, Services' waits and throughput)")
X(SYM_WAIT_DECLINE, "symptoms.waiting_decline_factor", 1, 0, 1, "multiplier", 0, 0,
  "The treated course's natural decline while a person waits for their first treatment, as a share of symptoms.natural_decline_weekly (from the first treatment on, and on the untreated course throughout, the whole rate)",
  "(to source) assumed 1: waiting as the untreated course (Posternak and Miller 2001 is of wait lists). Against it: van Dijk et al. 2023 (J Affect Disord 322:205-211) found no association between the length of the wait and the course during it, and across services in the published rows the share of finished courses not at caseness at the first score does not move with the wait, where the model's rises (docs/validation.md, The wait and the first score). 0 is not adopted: it needs the baseline and session effects refitted and by itself leaves the wait's association with recovery at none (docs/calibration.md)")
X(SYM_WAIT_SD, "symptoms.waiting_sd_factor", 1, 0, 1, "multiplier", 0, 0,
  "The treated course's weekly innovations while a person waits for their first treatment, as a share of symptoms.weekly_sd (the untreated course keeps them whole)",
  "(to source) assumed 1: waiting as the untreated course. With symptoms.waiting_decline_factor 0 and this 0 the treated course is frozen during the wait, which the published rows and van Dijk et al. 2023 suggest; not adopted (docs/calibration.md, The wait and the first score)")
X(SYM_WEEKLY_SD, "symptoms.weekly_sd", 1.7, 0, 10, "points/week", 0, 0,
  "Standard deviation of weekly symptom innovations (the same draws on the treated and the natural course; while waiting for a first treatment the treated course takes symptoms.waiting_sd_factor of them)",
  "(to source) calibrated to reliable deterioration 2019-20 (S16)")
X(SYM_MEAS_SD, "symptoms.measurement_sd", 2.2, 0, 10, "points", 0, 0,
  "Standard deviation of session-to-session measurement noise on PHQ-9 and GAD-7",
  "(to source) calibrated to reliable deterioration 2019-20 (S16)")
X(SYM_CORR, "symptoms.phq9_gad7_change_correlation", 0.8, -1, 1, "correlation", 0, 0,
  "Correlation of PHQ-9 and GAD-7 weekly changes and measurement noise",
  "(to source) calibrated to the gap between reliable improvement and recovery 2019-20 (S16)")
X(OUT_MISSING, "outcomes.score_missing", 0.01, 0, 1, "proportion", 0, 1,
  "Chance that a session's scores are not recorded (the last available score counts)",
  "Clark 2018 (S20) and Clark et al. 2018 (S29): paired scores for 98-99% of those treated")

/* Workforce expansion (docs/economics.md, Workforce expansion): trainees add capacity after training */
X(WF_LI_TRAINEES, "workforce.li_trainees", 0, 0, 1e5, "trainees/year", 0, 0,
  "Low-intensity (PWP) trainees starting training each year on top of the planned workforce (schedule by year)",
  "Scenario setting (no expansion by default)")
X(WF_HI_TRAINEES, "workforce.hi_trainees", 0, 0, 1e5, "trainees/year", 0, 0,
  "High-intensity trainees starting training each year on top of the planned workforce (schedule by year)",
  "Scenario setting (no expansion by default)")
X(WF_LI_TRAIN_YEARS, "workforce.li_training_years", 1, 0, 5, "years", 1, 0,
  "Years from starting training to qualifying as a PWP", "(to source) one-year postgraduate certificate assumed")
X(WF_HI_TRAIN_YEARS, "workforce.hi_training_years", 1, 0, 5, "years", 1, 0,
  "Years from starting training to qualifying as a high-intensity therapist", "(to source) one-year postgraduate diploma assumed")
X(WF_TRAINEE_CAPACITY, "workforce.trainee_capacity", 0.5, 0, 1, "proportion", 0, 0,
  "Share of a trainee's time spent treating (the rest is study); trainees add this much capacity",
  "(to source) assumed")
X(WF_LI_RETENTION, "workforce.li_retention", 0.79, 0, 1, "proportion", 0, 0,
  "Share of PWP trainees who qualify and stay to work in the programme",
  "(to source) high-intensity figure of Liness et al. 2017 assumed for PWPs")
X(WF_HI_RETENTION, "workforce.hi_retention", 0.79, 0, 1, "proportion", 0, 1,
  "Share of high-intensity trainees who qualify and stay to work in the programme",
  "Liness et al. 2017: 79% of high-intensity trainees still worked in IAPT after training")
X(WF_LI_TURNOVER, "workforce.li_turnover", 0.25, 0, 1, "proportion/year", 0, 0,
  "Share of added qualified PWPs leaving each year (not replaced)",
  "(to source: the census report itself) 2015 IAPT workforce census as quoted second-hand: ~25% annual turnover of qualified PWPs; turnover also counts moves between services")
X(WF_HI_TURNOVER, "workforce.hi_turnover", 0.12, 0, 1, "proportion/year", 0, 0,
  "Share of added qualified high-intensity therapists leaving each year (not replaced)",
  "(to source: the census report itself) 2015 IAPT workforce census as quoted second-hand: ~12% annual turnover")

/* Follow-up after discharge (docs/economics.md, "Follow-up, month by month") */
X(FU_YEARS, "followup.years", 5, 0, 40, "years", 1, 0,
  "Years each person is followed monthly after discharge (0: no follow-up, no outcome flows)",
  "Modelling choice; long enough for the payback horizon of Layard et al. 2007 (S31)")
X(FU_RELAPSE_LI_12M, "followup.relapse_12m_li", 0.53, 0, 1, "proportion", 0, 1,
  "Share of people well at the end of low-intensity treatment who relapse within 12 months",
  "Ali et al. 2017, Behav Res Ther 94:1-8: 53% relapsed within 12 months after low-intensity CBT")
X(FU_RELAPSE_SHARE_6M, "followup.relapse_share_first_6m", 0.79, 0, 1, "proportion", 0, 1,
  "Share of first-year relapses that happen in the first 6 months",
  "Ali et al. 2017: 79% of relapses in the first 6 months")
X(FU_RELAPSE_HR_RESIDUAL, "followup.relapse_hr_residual", 1.90, 0, 10, "hazard ratio", 0, 1,
  "Relapse hazard ratio for residual symptoms at discharge (PHQ-9 5-9)",
  "Ali et al. 2017: HR 1.90")
X(FU_RELAPSE_HI_12M, "followup.relapse_12m_hi", 0.29, 0, 1, "proportion", 0, 1,
  "Share of people well after high-intensity treatment who relapse within 12 months",
  "Vittengl et al. 2007 (not IAPT): about 29% at one year after CBT")
X(FU_RELAPSE_LATER, "followup.relapse_annual_after_first_year", 0.352, 0, 1, "proportion/year", 0, 1,
  "Chance a year of relapse for people still well a year after becoming well",
  "Derived from Vittengl et al. 2007: 29% at one year, 54% at two, so (0.54-0.29)/(1-0.29) in year two; later years assumed the same")
X(FU_REMIT_0_3, "followup.remission_monthly_first_3m", 0.15, 0, 1, "probability/month", 0, 1,
  "Monthly chance of remission in the first 3 months of an episode, without further treatment",
  "Keller et al. 1992, Arch Gen Psychiatry 49:809-16: 15% a month in the first 3 months")
X(FU_REMIT_3_6, "followup.remission_monthly_3_6m", 0.066, 0, 1, "probability/month", 0, 1,
  "Monthly chance of remission in months 3-5 of an episode",
  "Derived from Keller et al. 1992: 50% recovered within 6 months, after 15% a month for 3 months")
X(FU_REMIT_6_36, "followup.remission_monthly_6_36m", 0.035, 0, 1, "probability/month", 0, 1,
  "Monthly chance of remission in months 6-35 of an episode",
  "Derived from Keller et al. 1992: 12% not recovered at 5 years with 1.5% a month in years 3-5, from 50% at 6 months")
X(FU_REMIT_LATE, "followup.remission_monthly_after_3y", 0.015, 0, 1, "probability/month", 0, 1,
  "Monthly chance of remission after 3 years of an episode",
  "Keller et al. 1992: 1-2% a month in years 3-5")
X(FU_ILL_BEFORE, "followup.episode_months_at_referral", 6, 0, 240, "months", 0, 0,
  "How long the episode has lasted when a person is referred (sets the remission rate on the natural course)",
  "(to source) assumed; Whiteford et al. 2013 (53% remit within 12 months untreated) is matched at about 0 months")
/* The paper's counterfactual, for the bridge from Layard et al. 2007 (docs/economics.md) */
X(FU_RECOVERY_ASSUMED, "followup.recovery_share_assumed", -1, -1, 1, "proportion (-1: the model's)", 0, 0,
  "-1: each treated person leaves treatment in the state their course gave; 0-1: this share of the people treated is well at discharge and the rest at caseness, whatever their course (Layard et al. 2007 assume 50%)",
  "Modelling choice: -1 by default; scenarios/layard_2007_as_published.yaml sets 0.5 (Layard, Clark, Knapp and Mayraz 2007, CEP Discussion Paper 829: recovery rates of 50%)")
X(FU_NATURAL_ILL, "followup.natural_course_at_caseness", 0, 0, 1, "0 or 1", 1, 0,
  "1: the natural course is at caseness at discharge, whatever the untreated scores (the counterfactual of a payback computed from the recovery rate alone); 0: the untreated course's own scores",
  "Modelling choice: 0 by default; 1 in scenarios/layard_2007_as_published.yaml")

/* Employment after discharge (docs/economics.md; its sources under Sources for the employment figures) */
X(EMP_FIND_ILL, "employment.find_work_monthly_ill", 0.01, 0, 1, "probability/month", 0, 1,
  "Monthly chance that someone unemployed (seeking work) moves into work while at caseness",
  "Hansard, HL Deb 9 Dec 2015 and HC Deb 2 Mar 2016 (DWP ministers): about 1 in 100 ESA work-related activity group claimants leave the benefit each month (an upper bound for moving into work); lower bound 0.003 from Curnock et al. 2014 (below)")
X(EMP_FIND_WELL, "employment.find_work_monthly_well", 0.0445, 0, 1, "probability/month", 0, 1,
  "Monthly chance that someone unemployed (seeking work) moves into work while not at caseness",
  "Curnock, Popham and Leyland 2014, J Epidemiol Community Health 68(Suppl 1):A46 (LFS five-quarter panels 1998-2013): 42.1% of the unemployed were in work a year later, 1-(1-0.421)^(1/12); 3.6% of the health-related inactive")
X(EMP_LOSE_ILL, "employment.lose_work_monthly_ill", 0.0092, 0, 1, "probability/month", 0, 1,
  "Monthly chance that someone in work (on sick pay or not) becomes unemployed while at caseness",
  "Stevenson and Farmer 2017, Thriving at Work (independent review for the Prime Minister): people with a long-term mental health condition lose their jobs at twice the rate of those without (300,000 a year); twice employment.lose_work_monthly_well")
X(EMP_LOSE_WELL, "employment.lose_work_monthly_well", 0.0046, 0, 1, "probability/month", 0, 1,
  "Monthly chance that someone in work (on sick pay or not) becomes unemployed while not at caseness",
  "ONS Labour Force Survey five-quarter longitudinal datasets (UK Data Service SN 5660, 5954, 5958, 6796, flow variable, unweighted): 1,184 of 21,937 (5.4%; 4.9-6.5% by dataset) in work at the first quarter were out of work at the fifth; 1-(1-0.054)^(1/12)")
X(EMP_ABSENCE_DAYS, "employment.absence_days_monthly_ill", 1.0, 0, 22, "days/month", 0, 0,
  "Working days lost to sickness absence a month by someone in work at caseness",
  "(to source) assumed; mental health caused 17.5 million days of absence in 2018 (ONS 2018)")

/* Employment moves other than job finding and job loss (docs/economics.md, "Employment,
 * month by month"): monthly chances by health state on each path */
X(EMP_SICKPAY_START_ILL, "employment.sick_pay_start_monthly_ill", 0.03, 0, 1, "probability/month", 0, 0,
  "Monthly chance that someone in work at caseness goes off sick on sick pay",
  "(to source) assumed, range 0.01-0.06: about ten times the all-employee rate of employment.sick_pay_start_monthly_well, as mental disorders lead long absences (Black and Frost 2011)")
X(EMP_SICKPAY_START_WELL, "employment.sick_pay_start_monthly_well", 0.003, 0, 1, "probability/month", 0, 1,
  "Monthly chance that someone in work and not at caseness goes off sick on sick pay",
  "Black and Frost 2011, Health at work (independent review of sickness absence): about 960,000 employees a year are off sick for 4 weeks or more, of some 29 million (3.3% a year, 0.28% a month)")
X(EMP_SICKPAY_RETURN_ILL, "employment.sick_pay_return_monthly_ill", 0.2, 0, 1, "probability/month", 0, 0,
  "Monthly chance that someone on sick pay at caseness returns to work",
  "(to source) assumed, range 0.1-0.3; with employment.sick_pay_to_benefit_monthly_ill, 29% of sick-pay spells end on benefits, near Black and Frost 2011 (300,000 of 960,000)")
X(EMP_SICKPAY_RETURN_WELL, "employment.sick_pay_return_monthly_well", 0.5, 0, 1, "probability/month", 0, 0,
  "Monthly chance that someone on sick pay and not at caseness returns to work",
  "(to source) assumed, range 0.3-0.8")
X(EMP_SICKPAY_TO_BENEFIT_ILL, "employment.sick_pay_to_benefit_monthly_ill", 0.08, 0, 1, "probability/month", 0, 0,
  "Monthly chance that someone on sick pay at caseness leaves work onto sickness benefits",
  "(to source) assumed, range 0.04-0.12; Black and Frost 2011: about 300,000 people a year move from work onto health-related benefits, of 960,000 with long absences")
X(EMP_SICKPAY_TO_BENEFIT_WELL, "employment.sick_pay_to_benefit_monthly_well", 0.02, 0, 1, "probability/month", 0, 0,
  "Monthly chance that someone on sick pay and not at caseness leaves work onto sickness benefits",
  "(to source) assumed, range 0-0.04")
X(EMP_LEAVE_LABOUR_FORCE, "employment.leave_labour_force_monthly", 0.005, 0, 1, "probability/month", 0, 0,
  "Monthly chance that someone in work stops working and seeking work (study, retirement, caring)",
  "(to source) approximate reading of the ONS labour market flows (X02): of the order of 1.5% of people in work a quarter are inactive the next; range 0.002-0.008")
X(EMP_U_TO_SICK_ILL, "employment.unemployed_to_sick_monthly_ill", 0.01, 0, 1, "probability/month", 0, 0,
  "Monthly chance that someone unemployed at caseness moves onto long-term sickness benefits",
  "(to source) assumed, range 0.005-0.02")
X(EMP_U_TO_SICK_WELL, "employment.unemployed_to_sick_monthly_well", 0.002, 0, 1, "probability/month", 0, 0,
  "Monthly chance that someone unemployed and not at caseness moves onto long-term sickness benefits",
  "(to source) assumed, range 0-0.005")
X(EMP_U_TO_INACTIVE, "employment.unemployed_to_not_seeking_monthly", 0.03, 0, 1, "probability/month", 0, 0,
  "Monthly chance that someone unemployed stops seeking work (study, caring), ill or well",
  "(to source) assumed, range 0.01-0.07: the ONS labour market flows (X02) move of the order of a fifth of the unemployed to inactivity each quarter, much of it churn in survey answers")
X(EMP_SICK_FIND_ILL, "employment.sick_find_work_monthly_ill", 0.003, 0, 1, "probability/month", 0, 1,
  "Monthly chance that someone long-term sick or disabled at caseness moves into work",
  "Curnock, Popham and Leyland 2014 (LFS 1998-2013): 3.6% of the health-related inactive were in work a year later, 1-(1-0.036)^(1/12)")
X(EMP_SICK_FIND_WELL, "employment.sick_find_work_monthly_well", 0.01, 0, 1, "probability/month", 0, 1,
  "Monthly chance that someone long-term sick or disabled and not at caseness moves into work",
  "Hansard, HL Deb 9 Dec 2015 and HC Deb 2 Mar 2016 (DWP ministers): about 1 in 100 ESA work-related activity group claimants leave the benefit each month (an upper bound for moving into work)")
X(EMP_SICK_TO_U_ILL, "employment.sick_to_unemployed_monthly_ill", 0.005, 0, 1, "probability/month", 0, 0,
  "Monthly chance that someone long-term sick at caseness starts seeking work (unemployed)",
  "(to source) assumed, range 0-0.01")
X(EMP_SICK_TO_U_WELL, "employment.sick_to_unemployed_monthly_well", 0.02, 0, 1, "probability/month", 0, 0,
  "Monthly chance that someone long-term sick and not at caseness starts seeking work (unemployed)",
  "(to source) assumed, range 0.01-0.04")
X(EMP_SICK_TO_INACTIVE, "employment.sick_to_not_seeking_monthly", 0.002, 0, 1, "probability/month", 0, 0,
  "Monthly chance that someone long-term sick or disabled leaves benefits without seeking work (retirement, caring)",
  "(to source) assumed, range 0-0.005")
X(EMP_INACTIVE_FIND_ILL, "employment.not_seeking_find_work_monthly_ill", 0.005, 0, 1, "probability/month", 0, 0,
  "Monthly chance that someone not seeking work, at caseness, moves into work",
  "(to source) assumed, range 0.002-0.01")
X(EMP_INACTIVE_FIND_WELL, "employment.not_seeking_find_work_monthly_well", 0.01, 0, 1, "probability/month", 0, 0,
  "Monthly chance that someone not seeking work, not at caseness, moves into work",
  "(to source) assumed, range 0.005-0.02: the ONS labour market flows (X02) move a few per cent of the inactive into work each quarter")
X(EMP_INACTIVE_TO_U, "employment.not_seeking_to_unemployed_monthly", 0.005, 0, 1, "probability/month", 0, 0,
  "Monthly chance that someone not seeking work starts seeking it, ill or well",
  "(to source) assumed, range 0.002-0.02")

/* How recovery turns into work after discharge (docs/economics.md, "How recovery turns into work") */
X(EMP_MECHANISM, "employment.mechanism", 0, 0, 2, "0 flows, 1 prevalence, 2 flows_with_scarring", 1, 0,
  "The employment mechanism after discharge: the monthly flows of the table (flows), movement towards each health state's employment rate (prevalence), or the flows with job finding falling with months out of work (flows_with_scarring); a scenario may write the name",
  "Modelling choice (structural uncertainty: the uncertainty block can draw it, dist: discrete)")
X(EMP_PREV_WELL, "employment.prevalence_rate_well", 0.74, 0, 1, "proportion", 0, 1,
  "Employment rate of people of working age without a common mental disorder (prevalence mechanism)",
  "Layard, Clark, Knapp and Mayraz 2007 (CEP Discussion Paper 829), citing the Psychiatric Morbidity Survey 2000: about 74% in work")
X(EMP_PREV_ILL, "employment.prevalence_rate_ill", 0.51, 0, 1, "proportion", 0, 1,
  "Employment rate of people with depression or an anxiety disorder (prevalence mechanism)",
  "Layard, Clark, Knapp and Mayraz 2007 (CEP Discussion Paper 829), citing the Psychiatric Morbidity Survey 2000: about 51% in work")
X(EMP_PREV_SPEED, "employment.prevalence_speed_monthly", 1, 0, 1, "share of the gap/month", 0, 0,
  "Share of the gap between a person's employment chance and their health state's rate closed each month (prevalence mechanism); 1 is Layard et al.'s assumption that the rate applies at once",
  "Modelling choice: 1 reproduces Layard et al. 2007; no published speed (test 0.05-1)")
X(EMP_SCAR_HALF, "employment.scarring_halving_months", 13, 1, 600, "months", 0, 0,
  "Months out of work over which the chance of finding work halves (flows_with_scarring)",
  "Derived from observed duration dependence, conversion ours (to source: no published halving time or hazard by duration for the long-term sick found): ONS, Moving between unemployment and employment (7 Nov 2013, LFS), key points: between Q1 and Q2 2013 those unemployed under three months were 3.2 times more likely to move into employment than those unemployed over two years; with the chance c0 x 0.5^(months/h), 2^((24 - 1.5)/h) = 3.2 gives h = 22.5 / log2(3.2) = 13.4 months (shorter groups at their midpoint 1.5 months, the over-two-years group at 24 months, its least). Observed, so it mixes true scarring with heterogeneity: Machin and Manning 1999 (Handbook of Labor Economics 3C) find little true fall of outflow rates over a spell once heterogeneity is controlled for, so 13 is the strongest scarring the figure supports; range 12-36, our judgement (12: monthly hazards differ a little more than quarterly chances; the over-two-years group at four years gives 46.5 / log2(3.2) = 27.7, and 36 allows part of the fall to be heterogeneity)")

/* Money (docs/economics.md, The ledger and Prices). Units "GBP YYYY-YY" give the price year of the value. */
X(COST_LI_SESSION, "cost.li_session", 99, 0, 1e5, "GBP 2009-10", 0, 1,
  "Cost of an attended low-intensity treatment session",
  "Radhakrishnan et al. 2013, Behav Res Ther 51:37-45 (S30): GBP 99 per LI session, ~2009-10 prices")
X(COST_HI_SESSION, "cost.hi_session", 177, 0, 1e5, "GBP 2009-10", 0, 1,
  "Cost of an attended high-intensity treatment session",
  "Radhakrishnan et al. 2013 (S30): GBP 177 per HI session, ~2009-10 prices")
X(COST_PER_COURSE, "cost.per_course", 0, 0, 1e6, "GBP 2019-20", 0, 0,
  "Cost per person entering treatment, charged at their first session (used instead of session costs by Layard et al. 2007 and Thrive)",
  "Scenario setting (0: therapy is costed per session)")
X(COST_ASSESSMENT, "cost.assessment", 0, 0, 1e5, "GBP 2019-20", 0, 0,
  "Cost of the initial assessment of each referral, where not inside the session costs",
  "(to source) 0: the per-session costs of Radhakrishnan et al. 2013 are service costs over sessions")
X(COST_LI_FEE, "cost.li_training_fee", 5000, 0, 1e6, "GBP 2019-20", 0, 0,
  "Training fee per PWP trainee", "(to source) assumed")
X(COST_HI_FEE, "cost.hi_training_fee", 10000, 0, 1e6, "GBP 2019-20", 0, 0,
  "Training fee per high-intensity trainee", "(to source) assumed")
X(COST_LI_SALARY, "cost.li_trainee_salary", 22549, 0, 1e6, "GBP 2021-22", 0, 1,
  "Annual salary of a PWP trainee (Agenda for Change band 4, entry point)",
  "NHS Employers, Agenda for Change pay scales 2021-22: band 4 entry GBP 22,549; trainee PWPs are band 4 (NHS Health Careers)")
X(COST_HI_SALARY, "cost.hi_trainee_salary", 32306, 0, 1e6, "GBP 2021-22", 0, 0,
  "Annual salary of a high-intensity trainee (Agenda for Change band 6, entry point)",
  "NHS Employers, Agenda for Change pay scales 2021-22: band 6 entry GBP 32,306; band 6 for trainees (to source)")
X(MONEY_EARNINGS, "money.earnings_annual", 25000, 0, 1e7, "GBP 2019-20", 0, 0,
  "Gross annual earnings of a job taken or kept (income tax and NI, money.income_tax_annual, money.employee_ni_annual and money.employer_ni_annual, do not follow it: set them too)",
  "(to source) a GBP 25,000 job, the example job of docs/economics.md; median full-time pay was GBP 585 a week (ONS, April 2019)")
X(MONEY_INCOME_TAX, "money.income_tax_annual", 2500, 0, 1e7, "GBP 2019-20", 0, 1,
  "Income tax on that job a year (one representative job, not an average over a distribution of earnings)",
  "HMRC income tax rates and allowances 2019-20: personal allowance GBP 12,500, basic rate 20%; (25,000 - 12,500) x 20% = GBP 2,500")
X(MONEY_EMPLOYEE_NI, "money.employee_ni_annual", 1964.16, 0, 1e7, "GBP 2019-20", 0, 1,
  "Employee (primary, Class 1) National Insurance on that job a year",
  "HMRC National Insurance rates and thresholds 2019-20: primary threshold GBP 166 a week (GBP 8,632 a year), 12%; (25,000 - 8,632) x 12% = GBP 1,964.16")
X(MONEY_EMPLOYER_NI, "money.employer_ni_annual", 2258.78, 0, 1e7, "GBP 2019-20", 0, 1,
  "Employer (secondary, Class 1) National Insurance on that job a year, paid on top of the earnings",
  "HMRC National Insurance rates and thresholds 2019-20: secondary threshold GBP 166 a week (GBP 8,632 a year), 13.8%; (25,000 - 8,632) x 13.8% = GBP 2,258.78")
X(MONEY_BENEFITS, "money.benefits_annual", 3801.2, 0, 1e7, "GBP 2019-20", 0, 1,
  "Out-of-work benefits a year for someone unemployed or long-term sick or disabled (none when not seeking work)",
  "Employment and Support Allowance GBP 73.10 a week (25+), 2019-20, times 52")
X(PHYS_EXCESS_ILL, "physical.excess_cost_annual_ill", 2000, 0, 1e6, "GBP 2013-14", 0, 1,
  "Extra physical healthcare a year for someone with a long-term condition while at caseness",
  "Layard and Clark 2014/2015 (S32): people with mental health problems cost an extra GBP 2,000 a year in physical care; applied to people with an LTC")
X(LTC_INTEGRATED, "ltc.integrated_share", 0, 0, 1, "proportion", 0, 0,
  "Share of people with a long-term condition treated in a service integrated with their physical care",
  "Scenario or plugin setting (0: no integrated services)")
X(PHYS_INTEGRATED_SAVING, "physical.integrated_saving", 360, 0, 1e5, "GBP 2019-20", 0, 1,
  "Secondary-care saving per person treated in an integrated service",
  "Toffolutti et al. (S36): GBP 360 per person (95% CI 162-559) in the first 3 months; price year (to source)")
X(PHYS_INTEGRATED_MONTHS, "physical.integrated_saving_months", 3, 0, 120, "months", 1, 0,
  "Months after discharge over which the integrated saving accrues",
  "(to source) Toffolutti et al. (S36) measured 3 months; how long the saving lasts is not published (test 0-12)")
X(LTC_INTEGRATED_EMP, "ltc.integrated_employment_gain", 0.0844, 0, 1, "probability", 0, 1,
  "Added chance that an unemployed person with an LTC treated in an integrated service is in work at discharge",
  "Toffolutti et al. (S36): +8.44 percentage points (95% CI 1.93-14.9) moving from unemployment to work")

/* Quality of life (docs/economics.md) */
X(UTIL_PHQ_0, "utility.phq9_0_4", 0.70, -0.6, 1, "EQ-5D", 0, 1,
  "Utility at PHQ-9 0-4 (remission)", "Kolovos et al. 2017; matching their depression states to PHQ-9 bands is our mapping")
X(UTIL_PHQ_5, "utility.phq9_5_9", 0.62, -0.6, 1, "EQ-5D", 0, 1,
  "Utility at PHQ-9 5-9 (minor)", "Kolovos et al. 2017; band mapping ours")
X(UTIL_PHQ_10, "utility.phq9_10_14", 0.57, -0.6, 1, "EQ-5D", 0, 1,
  "Utility at PHQ-9 10-14 (mild)", "Kolovos et al. 2017; band mapping ours")
X(UTIL_PHQ_15, "utility.phq9_15_19", 0.52, -0.6, 1, "EQ-5D", 0, 1,
  "Utility at PHQ-9 15-19 (moderate)", "Kolovos et al. 2017; band mapping ours")
X(UTIL_PHQ_20, "utility.phq9_20_27", 0.39, -0.6, 1, "EQ-5D", 0, 1,
  "Utility at PHQ-9 20-27 (severe)", "Kolovos et al. 2017; band mapping ours")
X(UTIL_GAD_0, "utility.gad7_0_4", 0.72, -0.6, 1, "EQ-5D", 0, 1,
  "Utility at GAD-7 0-4", "Jankovic et al. 2021, citing Revicki")
X(UTIL_GAD_5, "utility.gad7_5_9", 0.64, -0.6, 1, "EQ-5D", 0, 1,
  "Utility at GAD-7 5-9", "Jankovic et al. 2021, citing Revicki")
X(UTIL_GAD_10, "utility.gad7_10_14", 0.60, -0.6, 1, "EQ-5D", 0, 1,
  "Utility at GAD-7 10-14", "Jankovic et al. 2021, citing Revicki")
X(UTIL_GAD_15, "utility.gad7_15_21", 0.53, -0.6, 1, "EQ-5D", 0, 1,
  "Utility at GAD-7 15-21", "Jankovic et al. 2021, citing Revicki")

/* Wellbeing (docs/economics.md, "Wellbeing"): life satisfaction by health state for WELLBYs */
X(WB_LS_WELL, "wellbeing.life_satisfaction_well", 7.7, 0, 10, "life satisfaction (0-10)", 0, 1,
  "Life satisfaction of a person not at caseness (the 0-10 ONS question)",
  "ONS Annual Population Survey personal well-being, UK mean life satisfaction before the pandemic: 7.71 (July-September 2018) and 7.66 (July-September 2019) as quoted from ONS by Research Live (7 Feb 2020); the ONS bulletins' own annual means for 2018-19 and 2019-20 were not seen in text (2021-22: 7.54, 2022-23: 7.45, ONS bulletin Nov 2023). The mean of people not at caseness is a little higher than the population's; only the gap to the ill figure enters WELLBYs; range 7.4-8.0")
X(WB_LS_ILL, "wellbeing.life_satisfaction_ill", 6.98, 0, 10, "life satisfaction (0-10)", 0, 1,
  "Life satisfaction of a person at caseness (depression or an anxiety disorder)",
  "The well figure less 0.72: Clark, Fleche, Layard, Powdthavee and Ward 2018, The Origins of Happiness (Princeton), ch. 16, Table 16.2 (effect on life satisfaction 0-10, other circumstances held constant): depression or anxiety -0.72, and the text: 'Depression or anxiety disorder reduces happiness by 0.72 points'; per the table's notes the average of the US and Australian cross-section coefficients (Table 6.3), diagnosed illness; fixed-effects estimates are 'closer to zero' (ch. 6, online Table A6.3, not read); range 6.3-7.3 (gap 0.4-1.4, half to twice 0.72: our judgement)")

/* Distributional weights (docs/economics.md, "Distributional appraisal") */
X(DIST_ELASTICITY, "distribution.elasticity", 1.3, 0, 5, "elasticity", 0, 1,
  "Elasticity of the marginal utility of income in the distributional weights",
  "HM Treasury Green Book (2022) Annex A3, para A3.14: 1.3 (Layard, Mayraz and Nickell 2008)")
X(DIST_INCOME_Q1, "distribution.income_quintile_1", 14500, 1, 1e6, "GBP/year FYE 2022", 0, 1,
  "Median equivalised household disposable income, lowest income quintile (its middle person: the 10th percentile; stands for IMD deciles 9-10)",
  "ONS, Average household income, UK: financial year ending 2022 (released 25 January 2023; Household Finances Survey), main points: median household disposable income GBP 32,300; median disposable income of the poorest fifth GBP 14,500 and of the richest fifth GBP 66,000 (equivalised, before housing costs): the poorest fifth. The median of a fifth is the distribution's percentile at its middle (10th)")
X(DIST_INCOME_Q2, "distribution.income_quintile_2", 23300, 1, 1e6, "GBP/year FYE 2022", 0, 0,
  "Median equivalised household disposable income, second income quintile (the 30th percentile; stands for IMD deciles 7-8)",
  "Modelling choice (our interpolation, not a published figure): log-normal between the published medians, matched to each half of the distribution (log sigma 0.625 below the median from the 10th percentile, 0.558 above it from the 90th): the 30th percentile exp(ln 32,300 - 0.5244 x 0.625) = GBP 23,300 and the 70th exp(ln 32,300 + 0.5244 x 0.558) = GBP 43,300 (rounded to GBP 100); no published figure for these quintiles was found (docs/economics.md)")
X(DIST_INCOME_Q3, "distribution.income_quintile_3", 32300, 1, 1e6, "GBP/year FYE 2022", 0, 1,
  "Median equivalised household disposable income, middle income quintile (the 50th percentile, the median of all: the Green Book's reference; stands for IMD deciles 5-6)",
  "ONS, Average household income, UK: financial year ending 2022 (released 25 January 2023; Household Finances Survey), main points: median household disposable income GBP 32,300; median disposable income of the poorest fifth GBP 14,500 and of the richest fifth GBP 66,000 (equivalised, before housing costs): the median of all, which is also the middle fifth's median. HM Treasury Green Book (2022) Annex A3, para A3.20: divide the median of all households by the median of the target quintile")
X(DIST_INCOME_Q4, "distribution.income_quintile_4", 43300, 1, 1e6, "GBP/year FYE 2022", 0, 0,
  "Median equivalised household disposable income, fourth income quintile (the 70th percentile; stands for IMD deciles 3-4)",
  "Modelling choice (our interpolation, not a published figure): log-normal between the published medians, matched to each half of the distribution (log sigma 0.625 below the median from the 10th percentile, 0.558 above it from the 90th): the 30th percentile exp(ln 32,300 - 0.5244 x 0.625) = GBP 23,300 and the 70th exp(ln 32,300 + 0.5244 x 0.558) = GBP 43,300 (rounded to GBP 100); no published figure for these quintiles was found (docs/economics.md)")
X(DIST_INCOME_Q5, "distribution.income_quintile_5", 66000, 1, 1e6, "GBP/year FYE 2022", 0, 1,
  "Median equivalised household disposable income, top income quintile (the 90th percentile; stands for IMD deciles 1-2)",
  "ONS, Average household income, UK: financial year ending 2022 (released 25 January 2023; Household Finances Survey), main points: median household disposable income GBP 32,300; median disposable income of the poorest fifth GBP 14,500 and of the richest fifth GBP 66,000 (equivalised, before housing costs): the richest fifth")
