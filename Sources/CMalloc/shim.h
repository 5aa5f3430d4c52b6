// glibc's malloc tuning (mallopt), used to keep large tensor buffers reusable.
#include <malloc.h>
