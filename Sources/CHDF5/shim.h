#ifndef SGDFP_CHDF5_SHIM_H
#define SGDFP_CHDF5_SHIM_H
#include <hdf5.h>
#include <hdf5_hl.h>

// Many HDF5 constants are macros over library globals (or casts) that Swift cannot import, or whose
// imported `_g` globals are Swift 6 concurrency errors; these return their values as typed functions.

// Default and "all" identifiers.
static inline hid_t _sgdfp_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t _sgdfp_h5s_all(void) { return H5S_ALL; }
static inline hid_t _sgdfp_h5e_default(void) { return H5E_DEFAULT; }
static inline hsize_t _sgdfp_h5s_unlimited(void) { return H5S_UNLIMITED; }
static inline size_t _sgdfp_h5t_variable(void) { return H5T_VARIABLE; }

// File access flags.
static inline unsigned _sgdfp_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned _sgdfp_h5f_acc_rdwr(void) { return H5F_ACC_RDWR; }
static inline unsigned _sgdfp_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned _sgdfp_h5f_acc_excl(void) { return H5F_ACC_EXCL; }

// Property-list classes.
static inline hid_t _sgdfp_h5p_file_create(void) { return H5P_FILE_CREATE; }
static inline hid_t _sgdfp_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t _sgdfp_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t _sgdfp_h5p_dataset_access(void) { return H5P_DATASET_ACCESS; }
static inline hid_t _sgdfp_h5p_dataset_xfer(void) { return H5P_DATASET_XFER; }
static inline hid_t _sgdfp_h5p_group_create(void) { return H5P_GROUP_CREATE; }
static inline hid_t _sgdfp_h5p_link_create(void) { return H5P_LINK_CREATE; }
static inline hid_t _sgdfp_h5p_attribute_create(void) { return H5P_ATTRIBUTE_CREATE; }

// Creation-order flags (what netCDF-4 sets on files and datasets).
static inline unsigned _sgdfp_h5p_crt_order_tracked(void) { return H5P_CRT_ORDER_TRACKED; }
static inline unsigned _sgdfp_h5p_crt_order_indexed(void) { return H5P_CRT_ORDER_INDEXED; }

// Datatypes: native ones for memory, explicit little-endian ones for the file.
static inline hid_t _sgdfp_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t _sgdfp_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t _sgdfp_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t _sgdfp_h5t_ieee_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t _sgdfp_h5t_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t _sgdfp_h5t_std_i32le(void) { return H5T_STD_I32LE; }
static inline hid_t _sgdfp_h5t_c_s1(void) { return H5T_C_S1; }

// Filters.
static inline H5Z_filter_t _sgdfp_h5z_filter_deflate(void) { return H5Z_FILTER_DEFLATE; }
static inline H5Z_filter_t _sgdfp_h5z_filter_shuffle(void) { return H5Z_FILTER_SHUFFLE; }

#endif
