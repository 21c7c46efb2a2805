# lead_qual: PGXS build
EXTENSION = lead_qual
EXTVERSION = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big = lead_qual
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c src/*/*.c)))
PG_CPPFLAGS = -I$(srcdir)/src
# the install script of the current version and the update scripts
DATA = $(sort $(wildcard $(EXTENSION)--*.sql))

# pg_regress suites: sql/<name>.sql, expected/<name>.out
REGRESS = setup model_io model_errors frameworks rules rows explain registry trigger history rescore_dates views touches engagement readiness auc learn learn_data security catalog
REGRESS_OPTS = --inputdir=.

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Suites of what only newer servers have: soft input errors (16), COPY's
# ON_ERROR (17).
PG_MAJOR := $(shell $(PG_CONFIG) --version | sed 's/^PostgreSQL \([0-9]*\).*/\1/')
ifeq ($(shell test $(PG_MAJOR) -ge 16 && echo y),y)
REGRESS += input_soft
endif
ifeq ($(shell test $(PG_MAJOR) -ge 17 && echo y),y)
REGRESS += copy_on_error
endif

$(OBJS): $(wildcard src/*.h src/*/*.h)
