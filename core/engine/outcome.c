#include "engine/outcome.h"

unsigned iapt_outcome__classify(int phq_first, int gad_first, int phq_last, int gad_last, int sessions)
{
	unsigned f = 0;
	int dphq = phq_first - phq_last, dgad = gad_first - gad_last; /* positive: better */
	int improve, deteriorate;
	if (sessions < 2)
		return 0; /* finished: referral ended with at least two attended treatment sessions [S22] */
	f |= IAPT_O_FINISHED;
	deteriorate = -dphq >= IAPT_PHQ9_RELIABLE || -dgad >= IAPT_GAD7_RELIABLE;
	improve = (dphq >= IAPT_PHQ9_RELIABLE || dgad >= IAPT_GAD7_RELIABLE) && !deteriorate;
	if (deteriorate)
		f |= IAPT_O_RELIABLE_DETERIORATION;
	if (improve)
		f |= IAPT_O_RELIABLE_IMPROVEMENT;
	if (iapt_outcome__caseness(phq_first, gad_first)) {
		f |= IAPT_O_CASENESS_FIRST;
		if (!iapt_outcome__caseness(phq_last, gad_last)) {
			f |= IAPT_O_RECOVERED;
			if (improve)
				f |= IAPT_O_RELIABLE_RECOVERY;
		}
	}
	return f;
}
