import { createUniqueId, type JSX } from 'solid-js';

/**
 * A button that asks first: a native modal <dialog> (focus moves into it and stays there, Escape
 * cancels, focus returns to the button), with the consequence spelled out.
 */
export function ConfirmButton(props: {
  label: string;
  title: string;
  confirmLabel: string;
  children: JSX.Element;
  onConfirm: () => unknown;
  danger?: boolean;
  disabled?: boolean;
  testid?: string;
}) {
  let dialog: HTMLDialogElement | undefined;
  const titleId = createUniqueId();
  return (
    <>
      <button
        type="button"
        class={props.danger ? 'btn btn-small btn-danger' : 'btn btn-small'}
        disabled={props.disabled}
        data-testid={props.testid}
        onClick={() => dialog?.showModal()}
      >
        {props.label}
      </button>
      <dialog
        ref={dialog}
        class="confirm"
        aria-labelledby={titleId}
        data-testid={props.testid && `${props.testid}-dialog`}
      >
        <h2 id={titleId}>{props.title}</h2>
        {props.children}
        <form method="dialog" class="row-actions">
          <button type="submit" class="btn" value="cancel" autofocus>
            Cancel
          </button>
          <button
            type="button"
            class={props.danger ? 'btn btn-danger' : 'btn btn-primary'}
            data-testid={props.testid && `${props.testid}-confirm`}
            onClick={() => {
              dialog?.close();
              props.onConfirm();
            }}
          >
            {props.confirmLabel}
          </button>
        </form>
      </dialog>
    </>
  );
}
