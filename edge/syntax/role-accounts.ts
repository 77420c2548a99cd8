/**
 * Local parts that name a function rather than a person: shared inboxes, lists and the
 * mailboxes RFC 2142 requires. Matched lower-cased, without a `+tag`.
 */
export const ROLE_ACCOUNTS: readonly string[] = [
  // RFC 2142
  'postmaster', 'abuse', 'hostmaster', 'webmaster', 'security', 'noc', 'info', 'marketing', 'sales', 'support',
  'usenet', 'news', 'www', 'uucp', 'ftp',
  // automated senders
  'noreply', 'no-reply', 'no_reply', 'donotreply', 'do-not-reply', 'do_not_reply', 'mailer-daemon', 'bounce', 'bounces',
  'notifications', 'notification', 'alerts', 'newsletter', 'unsubscribe', 'root', 'daemon', 'nobody', 'system',
  // shared inboxes
  'admin', 'administrator', 'billing', 'accounts', 'accounting', 'finance', 'invoices', 'payments', 'contact',
  'contactus', 'contact-us', 'hello', 'hi', 'team', 'office', 'help', 'helpdesk', 'service', 'services',
  'customerservice', 'customer-service', 'enquiries', 'enquiry', 'inquiries', 'feedback', 'jobs', 'careers',
  'recruiting', 'recruitment', 'hr', 'press', 'media', 'pr', 'legal', 'privacy', 'compliance', 'orders', 'order',
  'shop', 'store', 'reception', 'mail', 'general', 'all', 'staff', 'everyone', 'it', 'dev', 'devnull',
  'partners', 'investors', 'ir', 'events', 'social', 'community', 'membership', 'members', 'registrar', 'tech',
  'webadmin', 'sysadmin', 'list', 'lists', 'listserv', 'majordomo', 'subscribe', 'welcome', 'booking', 'bookings',
  'reservations', 'returns', 'shipping', 'purchasing', 'procurement', 'operations', 'ops',
];
