/* iaptsim: microsimulation of NHS Talking Therapies (IAPT). One header for everything. */
#ifndef IAPTSIM_H
#define IAPTSIM_H

#include "iaptsim/econ.h"
#include "iaptsim/error.h"
#include "iaptsim/rng.h"
#include "iaptsim/params.h"
#include "iaptsim/scenario.h"
#include "iaptsim/hooks.h"
#include "iaptsim/plugin.h"
#include "iaptsim/sim.h"
#include "iaptsim/psa.h"
#include "iaptsim/cea.h"
#include "iaptsim/format.h"
#include "iaptsim/stats.h"
#include "iaptsim/calib.h"
#include "iaptsim/sensitivity.h"
#include "iaptsim/validation.h"
#include "iaptsim/output.h"
#include "iaptsim/report.h"

#endif
