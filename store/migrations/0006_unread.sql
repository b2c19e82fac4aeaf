-- Every page shows the user's unread count: an index on exactly that.
CREATE INDEX notifications_unread ON notifications (user_id, read_at);
