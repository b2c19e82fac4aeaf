package web

import (
	"net/http"

	"zhuxiang"
)

type notificationsData struct {
	Items  []zhuxiang.Notification
	Unread int
}

func (s *server) notificationList(w http.ResponseWriter, r *http.Request, q *request) error {
	items, err := s.st.Notifications(r.Context(), q.actor, 100)
	if err != nil {
		return err
	}
	d := notificationsData{Items: items}
	for _, n := range items {
		if !n.Read {
			d.Unread++
		}
	}
	v := &view{Title: "通知", Nav: "notifications", Data: d}
	if r.URL.Query().Get("done") != "" {
		v.Flash = "已全部标为已读。"
	}
	s.render(w, r, http.StatusOK, "notifications", v)
	return nil
}

// notificationsRead marks every notification of the user read.
func (s *server) notificationsRead(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := s.st.MarkNotificationsRead(r.Context(), q.actor, ""); err != nil {
		return err
	}
	redirect(w, r, "/notifications?done=1")
	return nil
}

// notificationOpen marks one notification read and goes to its page. It is
// a POST because it changes state; the link it leads to is checked like a
// login's return address, so a stored link cannot send anyone off-site.
func (s *server) notificationOpen(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	id := r.PathValue("id")
	items, err := s.st.Notifications(ctx, a, 200)
	if err != nil {
		return err
	}
	to := "/notifications"
	found := false
	for _, n := range items {
		if n.ID == id {
			found = true
			if n.Link != "" {
				to = safeNext(n.Link)
			}
		}
	}
	if !found {
		return zhuxiang.Errorf(zhuxiang.ENotFound, "", "通知不存在")
	}
	if err := s.st.MarkNotificationsRead(ctx, a, id); err != nil {
		return err
	}
	redirect(w, r, to)
	return nil
}
