/* SPDX-License-Identifier: MIT */
#ifndef HV_ERRNO_H
#define HV_ERRNO_H

/* Recoverable failures are returned as the negation of one of these. */
enum hv_errno {
	HV_EINVAL = 1, /* malformed request or argument */
	HV_ENOMEM = 2, /* a fixed-size pool is exhausted */
	HV_ERANGE = 3, /* an address or index is out of bounds */
	HV_EBUSY = 4,  /* the object is in a state that forbids this now */
	HV_ENOENT = 5, /* no such object */
	HV_EPERM = 6,  /* the caller lacks the right */
	HV_EFAULT = 7, /* an access the caller may not make */
};

#endif /* HV_ERRNO_H */
