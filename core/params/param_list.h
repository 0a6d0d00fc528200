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

/* Referrals */
X(REFERRALS_ANNUAL, "referrals.annual", 1694790, 0, 1e8, "referrals/year", 0, 1,
  "Referrals received in England in the financial year (schedule by year for history)",
  "NHS Digital IAPT annual report 2019-20 (S16); shared/data/national_annual.csv")
X(REFERRALS_GROWTH, "referrals.annual_growth", 0, -0.5, 1, "proportion/year", 0, 0,
  "Growth of referrals a year after the last year given in referrals.annual",
  "Scenario setting (no default growth assumed)")

/* Who is referred */
X(POP_FEMALE, "population.female_share", 0.65, 0, 1, "proportion", 0, 0,
  "Share of referrals who are female (descriptive; no effect on outcomes in the core model)",
  "(to source) approximate share in NHS Digital annual reports; not yet read from a table")
X(POP_AGE_18_25, "population.age_18_25", 0.20, 0, 1, "weight", 0, 0,
  "Relative weight of age band 18-25 among referrals", "(to source) assumed")
X(POP_AGE_26_35, "population.age_26_35", 0.26, 0, 1, "weight", 0, 0,
  "Relative weight of age band 26-35 among referrals", "(to source) assumed")
X(POP_AGE_36_64, "population.age_36_64", 0.47, 0, 1, "weight", 0, 0,
  "Relative weight of age band 36-64 among referrals", "(to source) assumed")
X(POP_AGE_65, "population.age_65_plus", 0.07, 0, 1, "weight", 0, 0,
  "Relative weight of age band 65+ among referrals", "(to source) assumed")
X(PROB_DEPRESSION, "problem.depression", 0.34, 0, 1, "weight", 0, 0,
  "Relative weight of problem descriptor depression", "(to source) assumed descriptor mix")
X(PROB_GAD, "problem.generalised_anxiety", 0.17, 0, 1, "weight", 0, 0,
  "Relative weight of generalised anxiety disorder", "(to source) assumed descriptor mix")
X(PROB_MIXED, "problem.mixed_anxiety_depression", 0.19, 0, 1, "weight", 0, 0,
  "Relative weight of mixed anxiety and depressive disorder", "(to source) assumed descriptor mix")
X(PROB_SOCIAL, "problem.social_anxiety", 0.03, 0, 1, "weight", 0, 0,
  "Relative weight of social anxiety disorder (NICE: starts at high intensity)", "(to source) assumed descriptor mix")
X(PROB_PTSD, "problem.ptsd", 0.05, 0, 1, "weight", 0, 0,
  "Relative weight of PTSD (NICE: starts at high intensity)", "(to source) assumed descriptor mix")
X(PROB_PANIC, "problem.panic", 0.04, 0, 1, "weight", 0, 0,
  "Relative weight of panic disorder", "(to source) assumed descriptor mix")
X(PROB_OCD, "problem.ocd", 0.03, 0, 1, "weight", 0, 0,
  "Relative weight of obsessive-compulsive disorder", "(to source) assumed descriptor mix")
X(PROB_HEALTH_ANX, "problem.health_anxiety", 0.02, 0, 1, "weight", 0, 0,
  "Relative weight of health anxiety", "(to source) assumed descriptor mix")
X(PROB_OTHER, "problem.other", 0.13, 0, 1, "weight", 0, 0,
  "Relative weight of other problem descriptors", "(to source) assumed descriptor mix")
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
X(EMP_UNEMPLOYED, "employment.unemployed_or_sick_share", 0.21, 0, 1, "proportion", 0, 1,
  "Share starting unemployed, long-term sick or on benefits",
  "Education Policy Institute 2015 (S7): 21.0% of finishers, 2014-15")
X(EMP_OTHER, "employment.other_share", 0.17, 0, 1, "proportion", 0, 0,
  "Share neither employed nor unemployed/sick (students, retired, carers)", "(to source) assumed")
X(LTC_SHARE, "ltc.share", 0.31, 0, 1, "proportion", 0, 1,
  "Share of referrals with a long-term physical condition",
  "NHS Digital annual reports 2017-18 to 2019-20 (S16): 30-32% of finishers with a recorded status")
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

/* Access and waiting */
X(ACCESS_SIGNPOST, "access.signpost_share", 0.25, 0, 1, "proportion", 0, 0,
  "Share of referrals that end at initial contact whatever the wait (signposted, not suitable, declined)",
  "Calibrated with access.leave_weekly to 29-31% going no further than initial contact (S27, S17) and entered 2019-20 (S16)")
X(ACCESS_LEAVE, "access.leave_weekly", 0.01, 0, 1, "probability/week", 0, 0,
  "Weekly chance that a person on the waiting list leaves before a first treatment session",
  "(to source) calibrated; makes the chance to enter fall as the wait grows")
X(ACCESS_HI_FIRST, "access.hi_first_share", 0.18, 0, 1, "proportion", 0, 0,
  "Share starting at high intensity among problems where NICE does not require it",
  "Calibrated to the 2019-20 step mix (S16; shared/data/pathway_mix.csv)")

/* Workforce and capacity */
X(WF_SERVICES, "workforce.services", 200, 1, 5000, "services", 1, 0,
  "Number of local services nationally (each has its own waiting lists and capacity); scaled with population_scale",
  "(to source) approximate count of IAPT services in England")
X(WF_CAP_SD, "workforce.capacity_sd", 0.35, 0, 2, "log-scale SD", 0, 0,
  "Spread of capacity relative to demand across services (lognormal)",
  "(to source) calibrated to the 6- and 18-week waits, 2019-20 (S16)")
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
  "NHS England monthly statistics: 10.0% in 2021-22, 9.5% in 2023-24 (MODEL.md section 4)")
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
X(TX_LI_MAX, "treatment.li_max_sessions", 6, 1, 40, "sessions", 1, 0,
  "Low-intensity sessions offered in a course", "(to source) calibrated to mean sessions 6.9 (S16)")
X(TX_HI_MAX, "treatment.hi_max_sessions", 11, 1, 40, "sessions", 1, 0,
  "High-intensity sessions offered in a course", "(to source) calibrated to mean sessions 6.9 (S16)")
X(TX_MIN_WELL, "treatment.min_sessions_before_discharge", 3, 2, 40, "sessions", 1, 0,
  "Fewest sessions before a planned discharge for being below caseness", "(to source) assumed")
X(TX_WELL_DISCHARGE, "treatment.discharge_when_well", 0.6, 0, 1, "probability", 0, 0,
  "Chance of a planned discharge at a session scored below caseness", "(to source) calibrated to mean sessions")
X(TX_STEPUP_REVIEW, "treatment.stepup_review_session", 3, 1, 40, "sessions", 1, 0,
  "Low-intensity session at which progress is reviewed for step-up", "(to source) assumed")
X(TX_STEPUP, "treatment.stepup_share", 0.75, 0, 1, "probability", 0, 0,
  "Chance of stepping up to high intensity when not improving at review or at course end",
  "Calibrated to the 2019-20 step mix (S16); step-up rates matter (Gyani et al. 2013, S28)")
X(TX_EFFECT_LI, "treatment.effect_li", 0.086, 0, 1, "proportion/session", 0, 0,
  "Proportional reduction of latent symptoms per attended low-intensity session",
  "Calibrated to recovery and reliable improvement 2019-20 (S16)")
X(TX_EFFECT_HI, "treatment.effect_hi", 0.076, 0, 1, "proportion/session", 0, 0,
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
X(SYM_WEEKLY_SD, "symptoms.weekly_sd", 1.7, 0, 10, "points/week", 0, 0,
  "Standard deviation of weekly symptom innovations (shared by treated and natural course)",
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
