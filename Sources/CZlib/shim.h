// zlib from the system (present on every Swift Linux machine): deflate for the compressibility experiment.
#include <zlib.h>
