package io.omnicast.peer.player;

import java.awt.Dimension;
import java.awt.Graphics;
import java.awt.image.BufferedImage;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import javax.swing.JComponent;
import javax.swing.JFrame;
import javax.swing.SwingUtilities;
import javax.swing.WindowConstants;

/** A Swing window showing the latest decoded picture; its title carries channel, hop, fps and buffer. */
public final class VideoWindow {
    private final JFrame frame;
    private final Canvas canvas = new Canvas();

    /** @param onClose run (off the Swing thread) when the user closes the window */
    public VideoWindow(String title, Runnable onClose) {
        JFrame[] holder = new JFrame[1];
        try {
            SwingUtilities.invokeAndWait(() -> {
                JFrame f = new JFrame(title);
                f.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
                f.addWindowListener(new WindowAdapter() {
                    @Override
                    public void windowClosed(WindowEvent e) {
                        new Thread(onClose, "window-closed").start();
                    }
                });
                canvas.setPreferredSize(new Dimension(640, 360));
                f.add(canvas);
                f.pack();
                f.setVisible(true);
                holder[0] = f;
            });
        } catch (Exception e) {
            throw new IllegalStateException("cannot open the player window", e);
        }
        frame = holder[0];
    }

    public void show(BufferedImage image) {
        canvas.image = image;
        canvas.repaint();
    }

    public void title(String title) {
        SwingUtilities.invokeLater(() -> frame.setTitle(title));
    }

    public void close() {
        SwingUtilities.invokeLater(frame::dispose);
    }

    private static final class Canvas extends JComponent {
        private static final long serialVersionUID = 1L;
        private volatile transient BufferedImage image;

        @Override
        protected void paintComponent(Graphics g) {
            BufferedImage current = image;
            if (current != null) {
                g.drawImage(current, 0, 0, getWidth(), getHeight(), null);
            }
        }
    }
}
