#ifndef SGDFP_CFFTW_SHIM_H
#define SGDFP_CFFTW_SHIM_H
#include <fftw3.h>

// Planner flags and the version string are C macros / arrays that Swift does not import directly.
static inline unsigned _sgdfp_fftw_estimate(void) { return FFTW_ESTIMATE; }
static inline unsigned _sgdfp_fftw_measure(void) { return FFTW_MEASURE; }
static inline unsigned _sgdfp_fftw_patient(void) { return FFTW_PATIENT; }
static inline unsigned _sgdfp_fftw_destroy_input(void) { return FFTW_DESTROY_INPUT; }
static inline int _sgdfp_fftw_forward(void) { return FFTW_FORWARD; }
static inline int _sgdfp_fftw_backward(void) { return FFTW_BACKWARD; }
static inline const char *_sgdfp_fftw_version(void) { return fftw_version; }
#endif
