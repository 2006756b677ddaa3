#ifndef CRUNEXP_MEMORY_H
#define CRUNEXP_MEMORY_H

/// Blocks of at least `bytes` are mapped on their own and returned to the system when freed
/// (glibc's mallopt(M_MMAP_THRESHOLD), which also stops glibc from raising that threshold as
/// large blocks are freed). Returns 1 when set, 0 where the C library has no such setting.
int runexp_map_blocks_from(int bytes);

#endif
