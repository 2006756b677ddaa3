#ifndef CRUNEXP_MEMORY_H
#define CRUNEXP_MEMORY_H

/// Blocks of at least `bytes` are mapped on their own and returned to the system when freed
/// (glibc's mallopt(M_MMAP_THRESHOLD), which also stops glibc from raising that threshold as
/// large blocks are freed). Returns 1 when set, 0 where the C library has no such setting.
int runexp_map_blocks_from(int bytes);

/// Returns the free memory of the heap's arenas to the system (glibc's malloc_trim(0)): the
/// windows and buffers a data file was read with, freed, no longer count in the process's
/// resident memory. Returns 1 when memory was returned, 0 otherwise or without glibc.
int runexp_return_free_memory(void);

#endif
