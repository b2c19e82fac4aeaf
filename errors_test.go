package zhuxiang

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestHTTPStatus(t *testing.T) {
	cases := map[ErrorCode]int{
		ENotFound: http.StatusNotFound, EForbidden: http.StatusForbidden, EInvalid: http.StatusUnprocessableEntity,
		EConflict: http.StatusConflict, EUnauthorized: http.StatusUnauthorized, ELocked: http.StatusLocked,
		ETooLarge: http.StatusRequestEntityTooLarge, EInternal: http.StatusInternalServerError, "": http.StatusInternalServerError,
	}
	for c, want := range cases {
		if got := c.HTTPStatus(); got != want {
			t.Errorf("%q.HTTPStatus() = %d, want %d", c, got, want)
		}
	}
}

func TestProblems(t *testing.T) {
	refusal := Errorf(EForbidden, "", "无权操作")
	several := &Error{Code: EInvalid, Field: "a", Message: "甲", Fields: []FieldError{{"a", "甲"}, {"b", "乙"}}}
	cases := []struct {
		name   string
		add    []error
		code   ErrorCode // "" when nothing is wrong
		fields []FieldError
	}{
		{"nothing", []error{nil, nil}, "", nil},
		{"one field", []error{Errorf(EInvalid, "title", "标题不能为空")}, EInvalid, []FieldError{{"title", "标题不能为空"}}},
		{"every field, in order", []error{Errorf(EInvalid, "action", "请选择行动"), nil, Errorf(EInvalid, "title", "标题不能为空")}, EInvalid,
			[]FieldError{{"action", "请选择行动"}, {"title", "标题不能为空"}}},
		{"a field keeps its first problem", []error{Errorf(EInvalid, "title", "标题不能为空"), Errorf(EInvalid, "title", "标题不能超过60个字")}, EInvalid,
			[]FieldError{{"title", "标题不能为空"}}},
		{"a list is flattened", []error{several, Errorf(EInvalid, "c", "丙"), Errorf(EInvalid, "a", "又甲")}, EInvalid,
			[]FieldError{{"a", "甲"}, {"b", "乙"}, {"c", "丙"}}},
		{"problems of the whole input all stay", []error{Errorf(EInvalid, "", "请求无效"), Errorf(EInvalid, "", "另一处")}, EInvalid,
			[]FieldError{{"", "请求无效"}, {"", "另一处"}}},
		{"a refusal wins over invalid input", []error{Errorf(EInvalid, "title", "标题不能为空"), refusal}, EForbidden, []FieldError{{"", "无权操作"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var p Problems
			for _, err := range c.add {
				p.Add(err)
			}
			err := p.Err()
			if ErrorCodeOf(err) != c.code {
				t.Fatalf("Err() = %v, want code %q", err, c.code)
			}
			if got := FieldErrors(err); !slices.Equal(got, c.fields) {
				t.Fatalf("FieldErrors = %v, want %v", got, c.fields)
			}
			if err != nil && (ErrorField(err) != c.fields[0].Field || ErrorMessage(err) != c.fields[0].Message) {
				t.Errorf("Field/Message = %q/%q, want the first problem %v", ErrorField(err), ErrorMessage(err), c.fields[0])
			}
			if err != nil && len(c.fields) > 1 && !strings.Contains(err.Error(), "另有") {
				t.Errorf("Error() = %q does not say there is more", err.Error())
			}
		})
	}
	if FieldErrors(errors.New("disk full")) != nil {
		t.Error("an internal error has field errors")
	}
}

// TestValidationReportsEveryField gives each validator an input with
// several bad fields and expects all of them, in the form's order, so that
// a form shows every error at once.
func TestValidationReportsEveryField(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		fields []string
	}{
		{"empty need", (&Need{}).Validate(), []string{"action", "title", "region"}},
		{"need with bad numbers and date", (&Need{CountyCode: "652827", Action: ActionTech, Title: "培训", Description: "请联系13912345678",
			BudgetFen: -1, People: -1, Urgency: 9, WantedBy: "明年", Phone: "电话"}).Validate(),
			[]string{"description", "budget", "people", "urgency", "wanted_by", "phone"}},
		{"empty offer", (&Offer{}).Validate(), []string{"action", "kind", "title", "capacity", "area"}},
		{"offer with bad dates", (&Offer{Action: ActionTech, Kind: OfferTraining, Title: "培训", Capacity: 1, Area: AreaCounties,
			ValidFrom: "明天", ValidTo: "后天"}).Validate(), []string{"counties", "valid_from", "valid_to"}},
		{"empty org", validateOrg(&Org{}), []string{"name", "credit_code", "reg_county"}},
		{"org with bad rating and phone", validateOrg(&Org{Name: "协会", CreditCode: "51652827MJ0000001X", RegCounty: "652827", Rating: 9,
			Phone: "12", Kinds: []OrgKind{"nope"}}), []string{"credit_code", "kinds", "rating", "phone"}},
		{"empty pairing", (&Pairing{}).Validate(), []string{"org", "region", "start_date"}},
		{"pairing ending before it starts", (&Pairing{OrgID: "o1", CountyCode: "652827", Action: "x", StartDate: "2026-03-01", EndDate: "2025-01-01"}).Validate(),
			[]string{"action", "end_date"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if ErrorCodeOf(c.err) != EInvalid {
				t.Fatalf("err = %v, want invalid input", c.err)
			}
			var got []string
			for _, f := range FieldErrors(c.err) {
				got = append(got, f.Field)
				if f.Message == "" {
					t.Errorf("field %s without a message", f.Field)
				}
			}
			if !slices.Equal(got, c.fields) {
				t.Fatalf("fields %v, want %v (%v)", got, c.fields, FieldErrors(c.err))
			}
		})
	}
}

func validateOrg(o *Org) error {
	_, err := o.Validate()
	return err
}
