/**
 * Keywords keepalived 2.x knows, per block, taken from its parsers (install_keyword calls
 * in core/global_parser.c, vrrp/vrrp_parser.c, check/check_parser.c, bfd/bfd_parser.c).
 * A word that is not here is reported as an unknown keyword, as `keepalived -t` does.
 * Blocks not listed (virtual_server and its checkers, static_routes...) are not checked.
 */
const words = (s: string): ReadonlySet<string> => new Set(s.trim().split(/\s+/));

export const TOP_LEVEL_KEYWORDS = words(`
  global_defs vrrp_script vrrp_track_process vrrp_track_file track_file vrrp_instance vrrp_sync_group
  virtual_server virtual_server_group SSL bfd_instance static_ipaddress static_routes static_rules
  garp_group linkbeat_use_polling net_namespace net_namespace_ipvs namespace_with_ipsets use_pid_dir
  instance child_wait_time include`);

export const GLOBAL_DEFS_KEYWORDS = words(`
  process_names process_name vrrp_process_name checker_process_name lvs_process_name bfd_process_name
  use_symlink_paths set_supplementary_groups router_id notification_email_from smtp_server smtp_helo_name
  smtp_connect_timeout notification_email smtp_alert startup_script startup_script_timeout shutdown_script
  shutdown_script_timeout max_auto_priority min_auto_priority_delay smtp_alert_vrrp smtp_alert_checker
  checker_log_all_failures dynamic_interfaces no_email_faults default_interface disable_local_igmp
  v3_checksum_as_v2 lvs_timeouts lvs_flush lvs_flush_on_stop lvs_flush_onstop lvs_sync_daemon
  nftables nftables_priority nftables_ifindex nftables_ipvs nftables_ipvs_priority nftables_ipvs_start_fwmark
  nftables_counters notify_fifo notify_fifo_script lvs_notify_fifo lvs_notify_fifo_script
  fifo_write_vrrp_states_on_reload checker_priority checker_no_swap checker_rt_priority checker_cpu_affinity
  checker_rlimit_rttime checker_rlimit_rtime bfd_priority bfd_no_swap bfd_rt_priority bfd_cpu_affinity
  bfd_rlimit_rttime bfd_rlimit_rtime snmp_socket enable_traps enable_snmp_vrrp enable_snmp_keepalived
  enable_snmp_rfc enable_snmp_rfcv2 enable_snmp_rfcv3 enable_snmp_checker snmp_vs_stats_update_interval
  snmp_rs_stats_update_interval enable_dbus dbus_service_name dbus_no_interface_name script_user
  enable_script_security lvs_netlink_cmd_rcv_bufs lvs_netlink_cmd_rcv_bufs_force lvs_netlink_monitor_rcv_bufs
  lvs_netlink_monitor_rcv_bufs_force process_monitor_rcv_bufs process_monitor_rcv_bufs_force rs_init_notifies
  no_checker_emails log_unknown_vrids vmac_prefix vmac_addr_prefix umask random_seed reload_check_config
  reload_time_file reload_repeat reload_file include_check config_save_dir tmp_config_directory
  data_use_instance json_version iproute_usr_dir iproute_etc_dir state_dump_file stats_dump_file json_dump_file
  linkbeat_use_polling net_namespace net_namespace_ipvs namespace_with_ipsets use_pid_dir instance child_wait_time`);

export const VRRP_INSTANCE_KEYWORDS = words(`
  use_vmac use_vmac_addr vmac_xmit_base use_ipvlan unicast_peer unicast_fault_no_peer check_unicast_src
  old_unicast_checksum native_ipv6 state interface vrf dont_track_primary track_interface track_script
  track_file track_process track_bfd mcast_src_ip unicast_src_ip mcast_dst_ip track_src_ip virtual_router_id
  unicast_ttl version priority advert_int virtual_ipaddress virtual_ipaddress_excluded no_virtual_ipaddress
  promote_secondaries linkbeat_use_polling v3_checksum_as_v2 virtual_routes virtual_rules accept no_accept
  skip_check_adv_addr strict_mode preempt nopreempt preempt_delay debug notify_backup notify_master
  notify_fault notify_stop notify_deleted notify notify_master_rx_lower_pri smtp_alert notify_priority_changes
  lvs_sync_daemon_interface garp_master_delay garp_master_refresh garp_master_repeat garp_master_refresh_repeat
  garp_lower_prio_delay garp_lower_prio_repeat down_timer_adverts timer_expired_backup thread_timer_expired
  garp_extra_if vmac_garp_intvl lower_prio_no_advert higher_prio_send_advert owner_ignore_adverts
  kernel_rx_buf_size authentication auth_hmac`);

/** The vrrp_* / garp_* words global_defs accepts; the model keeps them together, in order. */
export const VRRP_GLOBAL_KEYWORDS = words(`
  vrrp_mcast_group4 vrrp_mcast_group6 vrrp_garp_master_delay vrrp_garp_master_repeat vrrp_garp_master_refresh
  vrrp_garp_master_refresh_repeat vrrp_garp_lower_prio_delay vrrp_garp_lower_prio_repeat vrrp_down_timer_adverts
  vrrp_garp_interval vrrp_gna_interval vrrp_min_garp vrrp_garp_extra_if vrrp_vmac_garp_intvl
  vrrp_lower_prio_no_advert vrrp_higher_prio_send_advert vrrp_version vrrp_iptables vrrp_ipsets
  vrrp_check_unicast_src vrrp_skip_check_adv_addr vrrp_strict vrrp_priority vrrp_no_swap vrrp_rt_priority
  vrrp_cpu_affinity vrrp_rlimit_rttime vrrp_rlimit_rtime vrrp_notify_fifo vrrp_notify_fifo_script
  vrrp_notify_priority_changes vrrp_netlink_cmd_rcv_bufs vrrp_netlink_cmd_rcv_bufs_force
  vrrp_netlink_monitor_rcv_bufs vrrp_netlink_monitor_rcv_bufs_force vrrp_rx_bufs_policy vrrp_rx_bufs_multiplier
  vrrp_startup_delay vrrp_delay_after_boot vrrp_owner_ignore_adverts vrrp_process_name`);

export const AUTHENTICATION_KEYWORDS = words('auth_type auth_pass');

export const VRRP_SCRIPT_KEYWORDS = words('script interval timeout weight rise fall user init_fail');

export const VRRP_TRACK_PROCESS_KEYWORDS = words(`
  process param_match weight quorum quorum_max delay terminate_delay fork_delay full_command`);

export const VRRP_SYNC_GROUP_KEYWORDS = words(`
  group track_interface track_script track_file track_process track_bfd notify_backup notify_master
  notify_fault notify_stop notify smtp_alert global_tracking sync_group_tracking_weight notify_priority_changes`);

/** global_defs keywords starting with these are vrrp/garp globals (vrrp_strict, vrrp_garp_interval...). */
/**
 * What could be meant as a keyword (letters of any script, digits, underscores: also the
 * first word of pasted prose): the only part of an unknown line that may be quoted back.
 */
export function keywordLike(word: string): boolean {
  return /^[\p{L}_][\p{L}\p{N}_]{0,63}$/u.test(word);
}

/**
 * keepalived's own messages quote the first word of a line it does not know ('Unknown
 * keyword ...'): a word that is no keyword (a password hash from an included /etc/shadow) is
 * replaced, so nothing but keywords is ever echoed.
 */
export function hideNonKeywords(message: string): string {
  return message.replace(/'([^']*)'/g, (whole, word: string) => (keywordLike(word) || /^[\w./:@-]{1,255}$/.test(word) || /^[{}]$/.test(word) ? whole : "'…'"));
}

export function isVrrpGlobal(keyword: string): boolean {
  return keyword.startsWith('vrrp_') || keyword.startsWith('garp_');
}
