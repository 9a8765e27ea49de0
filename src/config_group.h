/*
 * config_group.h: [group:x] sections: which programs share a group name
 * (and its priority); a program in no group is its own, as supervisord's.
 */
#ifndef SUPERVISOR_CONFIG_GROUP_H
#define SUPERVISOR_CONFIG_GROUP_H

#include <stdbool.h>

#include "config_value.h"

bool	config_groups_load(struct loader *ld, struct config *cf);

#endif
